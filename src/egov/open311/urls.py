from django.urls import path, re_path

from egov.open311 import views

app_name = "open311"

F = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^discovery" + F, views.discovery, name="discovery"),
    re_path(r"^services" + F, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + F, views.service_definition, name="service"),
    re_path(r"^requests" + F, views.requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+?)" + F, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + F, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + F, views.request_updates, name="updates"),
    re_path(r"^(?P<path>.*)$", views.unknown),
]
