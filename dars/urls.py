from django.contrib import admin
from django.urls import path

admin.site.site_header = "Dars administration"
admin.site.site_title = "Dars admin"

urlpatterns = [
    path("admin/", admin.site.urls),
]
