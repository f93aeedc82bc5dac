"""Query expressions the apps share."""

from django.db.models import Count, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce


def subquery_count(queryset, *, per):
    """Return an annotation counting the rows of `queryset` for each outer row (0 when none).

    `queryset` is filtered on an OuterRef; `per` names its field that OuterRef matches. A correlated
    subquery per count keeps list queries free of GROUP BY over joined rows, so several counts can sit
    side by side without multiplying each other.
    """
    counted = queryset.order_by().values(per).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
