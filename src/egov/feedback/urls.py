"""Public and citizens' pages of citizen feedback: the form, the list and map, a report's
page, the feeds, per-agency figures, photos, and the Zalo webhook."""

from django.urls import path

from egov.feedback import feeds, tiles, views, zalo

app_name = "feedback"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("nearby/", views.nearby, name="nearby"),
    path("mine/", views.my_reports, name="mine"),
    path("figures/", views.figures, name="figures"),
    path("feeds/", views.feeds_index, name="feeds"),
    path("feeds/all.rss", feeds.AllRss(), name="feed_all_rss"),
    path("feeds/all.atom", feeds.AllAtom(), name="feed_all_atom"),
    path("feeds/area/<int:area_id>.rss", feeds.AreaRss(), name="feed_area_rss"),
    path("feeds/area/<int:area_id>.atom", feeds.AreaAtom(), name="feed_area_atom"),
    path("feeds/category/<slug:code>.rss", feeds.CategoryRss(), name="feed_category_rss"),
    path("feeds/category/<slug:code>.atom", feeds.CategoryAtom(), name="feed_category_atom"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("zalo/webhook/", zalo.webhook, name="zalo_webhook"),
    path("tiles/<int:z>/<int:x>/<int:y>.png", tiles.tile, name="tile"),
    path("<str:public_id>/", views.report_detail, name="detail"),
    path("<str:public_id>/rate/", views.report_rate, name="rate"),
    path("<str:public_id>/reopen/", views.report_reopen, name="reopen"),
]
