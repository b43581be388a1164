from django.urls import path

from hookconsole.console import bulk_views, exports, views

urlpatterns = [
    path("", views.index, name="console"),
    path("new/", views.new_rows, name="console_new_rows"),
    path("figures/", views.figures_view, name="console_figures"),
    path("export/<str:fmt>/", exports.export, name="console_export"),
    path("events/<int:pk>/", views.detail, name="console_event"),
    path("events/<int:pk>/reprocess/", views.reprocess_event, name="console_reprocess"),
    path("events/<int:pk>/dry-run/", views.dry_run_event, name="console_dry_run"),
    path("bulk/", bulk_views.confirm, name="console_bulk"),
    path("bulk/start/", bulk_views.begin, name="console_bulk_start"),
    path("bulk/<int:pk>/", bulk_views.progress, name="console_bulk_run"),
    path("bulk/<int:pk>/step/", bulk_views.advance, name="console_bulk_step"),
    path("bulk/<int:pk>/cancel/", bulk_views.stop, name="console_bulk_cancel"),
]
