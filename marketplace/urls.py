from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from marketplace import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("akun/", include("allauth.urls")),
    path("akun/profil/", include("marketplace.account_urls")),
    path("akun/voucher/", include("orders.wallet_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("pesanan/", include("orders.buyer_urls")),
    path("", include("orders.payment_urls")),
    path("notifikasi/", include("marketplace.notification_urls")),
    path("", include("shops.urls")),
    path("", include("live.urls")),
    path("", include("orders.urls")),
]

if settings.SERVE_MEDIA:
    # Dev and single-box installs; production points MEDIA_URL at object storage or a web server.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
