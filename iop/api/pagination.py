from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 200; more is read as 200).

    A `page_size` that is not a whole number of at least 1 is a 400 (DRF's default silently
    falls back to 50, so a client's typo went unnoticed); a page past the last is a 404.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        field = serializers.IntegerField(min_value=1)
        try:
            value = field.run_validation(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({self.page_size_query_param: exc.detail}) from exc
        return min(value, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page (default {self.page_size}; more than "
                    f"{self.max_page_size} is read as {self.max_page_size})."
                )
        return parameters
