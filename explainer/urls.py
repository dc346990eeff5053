from django.contrib import admin
from django.urls import path

admin.site.site_header = "Strike Explainer — editors"
admin.site.site_title = "Strike Explainer editors"
admin.site.index_title = "Content"

urlpatterns = [
    path("admin/", admin.site.urls),
]
