"""hookconsole's URLs; a project includes them once, at any prefix.

path("", include("hookconsole.urls"))  # POST /webhooks/stripe/ and /webhooks/stripe/<name>/
"""

from django.urls import include, path

from hookconsole import views

app_name = "hookconsole"

urlpatterns = [
    path("webhooks/stripe/", views.stripe_webhook, name="webhook"),
    # <str:name>, not <slug:name>: an unknown name still reaches the view and is recorded.
    path("webhooks/stripe/<str:name>/", views.stripe_webhook, name="webhook"),
    path("console/", include("hookconsole.console.urls")),
]
