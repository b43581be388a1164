from django.urls import path

from hookconsole.console import views

urlpatterns = [
    path("", views.index, name="console"),
    path("new/", views.new_rows, name="console_new_rows"),
    path("figures/", views.figures_view, name="console_figures"),
    path("events/<int:pk>/", views.detail, name="console_event"),
    path("events/<int:pk>/reprocess/", views.reprocess_event, name="console_reprocess"),
    path("events/<int:pk>/dry-run/", views.dry_run_event, name="console_dry_run"),
]
