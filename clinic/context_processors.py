from web.page_cache import cached_content, content_key

from .models import ClinicDetails


def clinic(request):
    """The clinic's details for the header and footer of every page: from the cache until any content is saved.

    `chrome_key` lets base.html keep its rendered header and footer under the same content version: they
    show only clinic details and links, the same for every visitor, so any content save retires them too.
    """
    key = content_key("clinic-details")
    return {"clinic": cached_content(key, _load_clinic), "chrome_key": key}


def _load_clinic():
    clinic = ClinicDetails.load()
    clinic.weekly_hours()  # read now, so the cached copy carries the opening hours too
    return clinic
