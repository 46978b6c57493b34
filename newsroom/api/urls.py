from django.urls import path

from .api import api, unknown_address

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/<path:rest>", unknown_address),
]
