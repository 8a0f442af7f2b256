from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness for load balancers: the process answers. Also the benchmarks' framework ceiling."""
    return HttpResponse("ok", content_type="text/plain")
