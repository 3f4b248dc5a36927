from django.urls import path

from apps.bot.views import telegram_webhook

urlpatterns = [path("", telegram_webhook, name="telegram-webhook")]
