from django.contrib import admin
from django.urls import path, re_path
from django.views.decorators.http import require_safe

from explainer import embeds, errors, opendata, shareimage, views
from explainer.feeds import ChangesFeed
from explainer.pagecache import public_page

admin.site.site_header = "Strike Explainer — editors"
admin.site.site_title = "Strike Explainer editors"
admin.site.index_title = "Content"

urlpatterns = [
    path("", views.home, name="home"),
    path("points/<slug:slug>/", views.sticking_point_detail, name="sticking_point_detail"),
    path("points/<slug:slug>/share.png", shareimage.share_image, name="share_image"),
    path("offers/", views.offers_compared, name="offers_compared"),
    path("changes/", views.changelog_page, name="changelog"),
    path("changes/feed.atom", require_safe(public_page(ChangesFeed())), name="changelog_feed"),
    path("about/", views.about, name="about"),
    re_path(r"^data/explainer\.(?P<extension>json|csv)$", opendata.open_data, name="open_data"),
    re_path(
        r"^data/schema/(?P<version>[0-9]+\.[0-9]+)\.json$",
        opendata.open_data_schema,
        name="open_data_schema",
    ),
    path("timeline/", views.timeline, name="timeline"),
    path("timeline/events/<slug:slug>/", views.timeline_event, name="timeline_event"),
    path("parties/<slug:slug>/", views.party_detail, name="party_detail"),
    path("parties/<slug:slug>/<slug:section>/", views.party_section, name="party_section"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("sources/<slug:slug>/passages/<slug:key>/", views.source_passage, name="source_passage"),
    path("search/", views.search, name="search"),
    path("citations/<slug:key>/", views.citation_detail, name="citation_detail"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/<slug:slug>/", views.glossary_term, name="glossary_term"),
    path("embed/points/<slug:slug>/", embeds.embed_card, name="embed_card"),
    path("oembed/", embeds.oembed, name="oembed"),
    path("preview/", views.preview_home, name="preview_home"),
    path(
        "preview/points/<slug:slug>/",
        views.preview_sticking_point,
        name="preview_sticking_point",
    ),
    path("healthz", errors.healthz, name="healthz"),
    path("readyz", errors.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

handler500 = "explainer.errors.server_error"
