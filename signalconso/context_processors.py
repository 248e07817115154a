"""Values every page needs: the language switch and the site's address."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def site(request):
    current = get_language()
    path = request.get_full_path()
    # Each language is named in its own language, for those who cannot read
    # the current one.
    other_languages = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(path, code),
        }
        for code, _name in settings.LANGUAGES
        if code != current
    ]
    return {"other_languages": other_languages, "SITE_URL": settings.SITE_URL}
