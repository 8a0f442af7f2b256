from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Indonesian unless the shopper chose otherwise with the language switcher (its cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, but many Indonesian
    phones are set to English while their owners expect the Indonesian site, so we ignore it.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNullCharactersMiddleware:
    """400, the site's page (templates/400.html, which Django's own handler400 renders too), for a
    request whose path, query or form fields hold a NUL character.

    PostgreSQL refuses NUL in text, so any such parameter that reaches a query (an order number in
    the path, a checkout's idempotency key, a voucher code) was a 500. Django's form fields refuse
    NUL already; the parameters views read raw are checked here, once for all of them. (Bodies
    that are not forms, such as the payment gateway's JSON, are left to their views; a lone
    surrogate cannot arrive this way: Django decodes parameters with U+FFFD for bad UTF-8.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _holds_nul(request.GET) or _holds_nul(request.POST):
            return render(request, "400.html", status=400)
        return self.get_response(request)


def _holds_nul(params) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in params.lists())
