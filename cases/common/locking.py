"""The one set of locking reads of the cases' own rows (taken after the process and task rows, see
workflow.locks): the row locked, with what its services read of it alongside."""

from cases.models import Filing, FilingApplication, ResultBatch, SupervisionCase

RELATED = {
    Filing: ("organisation",),
    FilingApplication: ("organisation",),
    SupervisionCase: ("filing__organisation",),
    ResultBatch: ("organisation", "plan__occupation", "plan__filing"),
}


def locked(obj):
    """`obj`'s row read again and locked until the transaction ends (SELECT ... FOR UPDATE of that row only)."""
    model = type(obj)
    return model.objects.select_for_update(of=("self",)).select_related(*RELATED.get(model, ())).get(pk=obj.pk)
