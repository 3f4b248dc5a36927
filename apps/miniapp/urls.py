from django.urls import path

from apps.miniapp import views

app_name = "miniapp"
urlpatterns = [path("", views.app, name="app")]
