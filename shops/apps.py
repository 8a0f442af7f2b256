from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopsConfig(AppConfig):
    name = "shops"
    verbose_name = _("Shops and catalog")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from shops.fragments import catalog_changed
        from shops.models import Category, Product, ProductDefect, ProductImage, ProductVariant, Shop
        from shops.selectors import category_tree_invalidate

        # Cache invalidation only (no domain logic): pages read the category tree from the cache.
        post_save.connect(category_tree_invalidate, sender=Category, dispatch_uid="category_tree_save")
        post_delete.connect(category_tree_invalidate, sender=Category, dispatch_uid="category_tree_delete")
        # Likewise for the cached catalog fragments (shops/fragments.py).
        for model in (Product, ProductVariant, ProductImage, ProductDefect, Shop, Category):
            for signal in (post_save, post_delete):
                signal.connect(
                    catalog_changed, sender=model, dispatch_uid=f"catalog_changed_{model.__name__}"
                )
