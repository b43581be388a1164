from django.contrib import admin
from django.urls import include, path

# The admin header's "View site" leads to the dashboard.
admin.site.site_url = "/console/"
admin.site.site_header = "hookconsole"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("hookconsole.urls")),
]
