from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project-level composition of the apps; it has no models.

    Its `admin` module is the one place that registers `ModelAdmin` classes: it may import
    every app, as the project package does, and puts one app's mixins on another's admins.
    """

    name = "newsroom.site"
    label = "newsroom_site"
