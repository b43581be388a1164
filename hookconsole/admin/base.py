"""What every log page shares: read-only, capped counts, exports with their own permission."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation, ShowFacets
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin

from hookconsole.admin.pagination import CappedPaginator, LogChangeList
from hookconsole.formats import EXPORT_FORMATS
from hookconsole.streaming import STREAM_FORMATS, streaming_response

if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
    ExportActionAdmin = ExportActionMixin[Any]
else:
    ModelAdmin = admin.ModelAdmin
    ExportActionAdmin = ExportActionMixin


# django-stubs and import-export's stubs type a few shared attributes differently.
class LogAdmin(ExportActionAdmin, ModelAdmin):  # type: ignore[misc]
    """A log is written by the endpoint only: view, export, delete; never add or change."""

    paginator = CappedPaginator
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    list_per_page = 50
    formats = EXPORT_FORMATS
    show_change_form_export = False
    import_export_change_list_template = "admin/hookconsole/change_list.html"
    # Set by each model's admin; a class attribute, as import-export documents it.
    resource_classes: Any

    class Media:
        css = {"all": ["hookconsole/admin.css"]}

    def action_checkbox(self, obj: Any) -> SafeString:
        """Django's row checkbox, written directly: rendering it through the form
        widget templates took a third of a 50-row page. Same markup (tested)."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_export_permission(self, request: HttpRequest) -> bool:
        # Our own codename, whatever IMPORT_EXPORT_EXPORT_PERMISSION_CODE says.
        return request.user.has_perm(f"hookconsole.export_{self.opts.model_name}")

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[LogChangeList]:
        return LogChangeList

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        stream = path(
            "stream/",
            self.admin_site.admin_view(self.stream_view),
            name="{}_{}_stream".format(*info),
        )
        return [stream, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "stream_formats": list(STREAM_FORMATS)}
        return super().changelist_view(request, extra_context)

    def _stream(self, request: HttpRequest, queryset: QuerySet[Any], fmt: str) -> HttpResponseBase:
        resource_class: Any = self.get_export_resource_classes(request)[0]
        return streaming_response(
            resource_class(), queryset, fmt, str(self.opts.verbose_name_plural)
        )

    def stream_view(self, request: HttpRequest) -> HttpResponseBase:
        """Stream the rows the change list shows (its filters and search), any number."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        fmt = request.GET.get("_stream", "")
        if fmt not in STREAM_FORMATS:
            return HttpResponseBadRequest("Choose _stream=csv or _stream=jsonl.")
        # The change list reads its filters from request.GET and refuses unknown keys.
        filters = request.GET.copy()
        del filters["_stream"]
        request.GET = filters  # type: ignore[assignment]
        return self._stream(request, self.get_export_queryset(request), fmt)

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        # import-export's get_actions() predates Django 6.1's action_location (and
        # warns); export_selected below replaces the action it adds.
        actions: dict[str, Any] = ModelAdmin.get_actions(self, request, action_location)
        return actions

    @admin.action(permissions=["export"], description=_("Export selected (CSV, JSON, XLSX)"))
    def export_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        response: HttpResponse = self.export_admin_action(request, queryset)
        return response

    @admin.action(permissions=["export"], description=_("Stream selected as CSV"))
    def stream_selected_csv(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponseBase:
        return self._stream(request, queryset, "csv")

    @admin.action(permissions=["export"], description=_("Stream selected as JSON Lines"))
    def stream_selected_jsonl(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponseBase:
        return self._stream(request, queryset, "jsonl")

    actions = ["export_selected", "stream_selected_csv", "stream_selected_jsonl"]
