"""The plan tree read in one query (plans/tree.py) gives what prefetching each level gave: the
same items in the same order, empty levels included, each knowing its parent."""

from django.db import connection
from django.db.models import Prefetch

from plans.models import Goal, Intervention, Objective, Problem
from plans.selectors import plan_tree
from plans.tree import read_plan_tree
from tests.factories import (
    GoalFactory,
    InterventionFactory,
    ObjectiveFactory,
    ProblemFactory,
    UserFactory,
)


def _prefetched(plan):
    interventions = Intervention.objects.select_related("responsible")
    objectives = Objective.objects.prefetch_related(Prefetch("interventions", interventions))
    goals = Goal.objects.prefetch_related(Prefetch("objectives", objectives))
    return list(plan.problems.prefetch_related(Prefetch("goals", goals)))


def _shape(problems):
    return [
        (
            p.pk,
            p.plan_id,
            p.description,
            [
                (
                    g.pk,
                    g.problem_id,
                    g.client_words,
                    [
                        (
                            o.pk,
                            o.goal_id,
                            o.lineage,
                            o.target_options,
                            [
                                (i.pk, i.objective_id, i.frequency, i.responsible.username)
                                for i in o.interventions.all()
                            ],
                        )
                        for o in g.objectives.all()
                    ],
                )
                for g in p.goals.all()
            ],
        )
        for p in problems
    ]


def test_one_query_same_tree_as_prefetching(make_plan, episode, django_assert_num_queries):
    plan = make_plan(episode)
    first = Problem.objects.get(plan=plan)
    other = UserFactory(username="other-staff")
    # Positions out of the pks' order, and a problem, goal and objective with nothing under it.
    second = ProblemFactory(plan=plan, position=0, description="second, listed first")
    first.position = 5
    first.save()
    ProblemFactory(plan=plan, position=7, description="no goals")
    goal = GoalFactory(problem=second, position=2, client_words="later goal")
    GoalFactory(problem=second, position=1, client_words="goal without objectives")
    objective = ObjectiveFactory(goal=goal, position=1, target_options=["a", "b"])
    ObjectiveFactory(goal=goal, position=0)
    InterventionFactory(objective=objective, position=3, responsible=other, frequency="weekly")
    InterventionFactory(objective=objective, position=1, responsible=other, frequency="daily")

    with django_assert_num_queries(1):
        problems = read_plan_tree(plan)
        shape = _shape(problems)
        for problem in problems:
            assert problem.plan is plan
            for goal in problem.goals.all():
                assert goal.problem is problem
                for objective in goal.objectives.all():
                    assert objective.goal is goal
                    for intervention in objective.interventions.all():
                        assert intervention.objective is objective
    assert [p.description for p in problems][:1] == ["second, listed first"]
    assert shape == _shape(_prefetched(plan))
    assert len(problems) == 3 and problems[-1].goals.count() == 0


def test_plan_tree_reads_the_tree_in_one_round_trip(make_plan, episode, django_assert_num_queries):
    plan = make_plan(episode, measure_instrument="")
    # The tree, its objectives' progress entries and their measures' results (none is tied to
    # one): one round trip on PostgreSQL, read in turn elsewhere.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        problems = plan_tree(plan)
    (objective,) = problems[0].goals.all()[0].objectives.all()
    assert objective.progress_entries == [] and objective.plan_revision == plan.revision


def test_plan_outline_reads_several_plans_once(signed_versions, django_assert_num_queries):
    from plans.selectors import plan_outline
    from plans.views.history import plan_lines

    first, second = signed_versions["superseded"], signed_versions["active"]
    ProblemFactory(plan=second, position=9, description="only in the second")
    expected = [_shape(_prefetched(plan)) for plan in (first, second)]
    with django_assert_num_queries(1):
        plan_outline([first, second])
        assert [_shape(p.problems.all()) for p in (first, second)] == expected
        assert first.problems.all()[0].plan is first
    with django_assert_num_queries(0):  # already read: not again
        plan_outline([second])
        lines = plan_lines(second)
    assert lines[-1].startswith("Problem 2: only in the second")


def test_each_read_gives_its_own_plans_tree(signed_versions):
    """The rows' query is built once per process and filtered per read: a read after another
    gives its own plan's tree, never the earlier plan's rows."""
    first, second = signed_versions["superseded"], signed_versions["active"]
    ProblemFactory(plan=second, position=9, description="only in the second")
    assert _shape(read_plan_tree(first)) == _shape(_prefetched(first))
    assert _shape(read_plan_tree(second)) == _shape(_prefetched(second))
    assert _shape(read_plan_tree(first)) == _shape(_prefetched(first))
