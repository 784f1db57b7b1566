"""One plan's problems → goals → objectives → interventions (with the responsible staff) read in
one query, as `prefetch_related` would leave them.

Prefetching the four levels takes four queries, and each level's default order (by its parent,
whose order is by its own parent...) joins the levels above it up to the plan's episode. Here
the problems are read with their goals, objectives, interventions and responsible staff by LEFT
JOINs, in the order the prefetches gave (within a parent: position, then pk), and each row's
objects are built once: every item's children are its prefetched `all()` (so `.all()`,
`.count()` and iterating read no more), and every child knows its parent (`goal.problem`...),
the problems their plan.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import router

from iop.shapes import shape
from iop.together import fill_prefetched
from plans.models import Goal, Intervention, Objective, Problem

# Each level: its model, the path to it from a problem, and the name of its children.
LEVELS = (
    (Problem, "", "goals"),
    (Goal, "goals__", "objectives"),
    (Objective, "goals__objectives__", "interventions"),
    (Intervention, "goals__objectives__interventions__", None),
)
RESPONSIBLE = "goals__objectives__interventions__responsible__"
PARENT = {Goal: "problem", Objective: "goal", Intervention: "objective"}


def _attnames(model):
    return [field.attname for field in model._meta.concrete_fields]


def children_cache(obj, name, children):
    """Set `obj.<name>.all()` to `children`, as prefetch_related does."""
    fill_prefetched(obj, name, children)


def read_plan_tree(plan):
    """The plan's problems, each with its goals → objectives → interventions prefetched."""
    return build_plan_trees({plan.pk: plan}, plan_tree_rows(plan.pk))[plan.pk]


@functools.cache
def _tree_query():
    """(the rows' QuerySet for any plans, each level's (model, start, end, field names), the
    user's field names and span). Built once per process and filtered per read: resolving
    the ~50 columns through the four joins was half of a plan's read (2.5-2.8 -> 1.3 ms)."""
    user_model = get_user_model()
    columns, spans = [], []
    for model, path, _ in LEVELS:
        names = _attnames(model)
        spans.append((model, len(columns), len(columns) + len(names), names))
        columns += [path + name for name in names]
    user_names = _attnames(user_model)
    user_span = (len(columns), len(columns) + len(user_names))
    columns += [RESPONSIBLE + name for name in user_names]
    order = ["plan_id"]
    for _, path, _ in LEVELS:
        order += [path + "position", path + "pk"]
    return Problem.objects.order_by(*order).values_list(*columns), spans, user_names, user_span


def read_plan_trees(plans):
    """{plan pk: its problems, each with its goals → objectives → interventions prefetched},
    for all the plans in one query."""
    plans = {plan.pk: plan for plan in plans}
    return build_plan_trees(plans, _tree_query()[0].filter(plan__in=list(plans)))


@shape
def plan_tree_rows(plan_id):
    """The rows of one plan's tree (`build_plan_trees` reads them): a shape, as every page
    showing a plan reads them."""
    return _tree_query()[0].filter(plan=plan_id)


def build_plan_trees(plans, rows):
    """{plan pk: its problems, each with its goals → objectives → interventions prefetched}
    from `rows`, the tree's rows of these plans ({pk: plan})."""
    user_model = get_user_model()
    _, spans, user_names, user_span = _tree_query()
    db = router.db_for_read(Problem)
    built = [{} for _ in LEVELS]  # per level: pk -> (object, its children)
    users = {}
    problems = {pk: [] for pk in plans}
    for row in rows:
        parent = None
        for level, (model, start, end, names) in enumerate(spans):
            pk = row[start]  # the pk is the first concrete field
            if pk is None:  # a LEFT JOIN with nothing under the parent
                break
            entry = built[level].get(pk)
            if entry is None:
                obj = model.from_db(db, names, row[start:end])
                obj._prefetched_objects_cache = {}
                entry = built[level][pk] = (obj, [])
                if parent is None:
                    obj.plan = plans[obj.plan_id]
                    problems[obj.plan_id].append(obj)
                else:
                    parent[1].append(obj)
                    setattr(obj, PARENT[model], parent[0])
                if model is Intervention:
                    user_pk = row[user_span[0]]
                    user = users.get(user_pk)
                    if user is None:
                        user = users[user_pk] = user_model.from_db(
                            db, user_names, row[user_span[0] : user_span[1]]
                        )
                    obj.responsible = user
            parent = entry
    for level, (_, _, children) in enumerate(LEVELS):
        if children is None:
            continue
        for obj, kids in built[level].values():
            children_cache(obj, children, kids)
    return problems
