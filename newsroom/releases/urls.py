from django.urls import path

from . import feeds, preview, views

app_name = "releases"

urlpatterns = [
    path("releases/", views.ReleaseListView.as_view(), name="list"),
    path("releases/preview/<str:token>/", preview.preview_by_token, name="preview"),
    path("releases/<slug:slug>/", views.ReleaseDetailView.as_view(), name="detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("feeds/rss/", feeds.ReleaseRssFeed(), name="feed_rss"),
    path("feeds/atom/", feeds.ReleaseAtomFeed(), name="feed_atom"),
    path("feeds/rss/<slug:scope>/<str:value>/", feeds.ReleaseRssFeed(), name="feed_rss_scoped"),
    path("feeds/atom/<slug:scope>/<str:value>/", feeds.ReleaseAtomFeed(), name="feed_atom_scoped"),
]
