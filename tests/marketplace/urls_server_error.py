"""The site's URLs plus one view that fails, for the server-error page's test."""

from django.urls import path

from marketplace.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug the visitor should not see")


urlpatterns = [path("rusak/", failing_view), *site_urlpatterns]
