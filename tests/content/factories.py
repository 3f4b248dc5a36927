import factory

from apps.content.models import Hint, Problem, ProblemOption, Topic


class TopicFactory(factory.django.DjangoModelFactory[Topic]):
    class Meta:
        model = Topic
        django_get_or_create = ("code",)

    grade = 7
    code = factory.Sequence(lambda n: f"g7-topic-{n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")
    name_bn = factory.Sequence(lambda n: f"অধ্যায় {n}")
    order = factory.Sequence(lambda n: n)


class ProblemFactory(factory.django.DjangoModelFactory[Problem]):
    class Meta:
        model = Problem

    code = factory.Sequence(lambda n: f"p-{n:05d}")
    topic = factory.SubFactory(TopicFactory)
    subtopic = "Addition"
    question_en = factory.Sequence(lambda n: f"What is {n} + 2?")
    question_bn = factory.Sequence(lambda n: f"{n} + ২ কত?")
    answer = factory.Sequence(lambda n: str(n + 2))
    answer_type = Problem.AnswerType.NUMERIC
    explanation_en = "Add the numbers."
    explanation_bn = "সংখ্যাগুলো যোগ করো।"
    difficulty = 1


class ProblemOptionFactory(factory.django.DjangoModelFactory[ProblemOption]):
    class Meta:
        model = ProblemOption

    problem = factory.SubFactory(ProblemFactory, answer_type="multiple_choice", answer="A")
    label = "A"
    text_en = "12"
    text_bn = "১২"


class HintFactory(factory.django.DjangoModelFactory[Hint]):
    class Meta:
        model = Hint

    problem = factory.SubFactory(ProblemFactory)
    level = 1
    text_en = "Think about what the question asks."
    text_bn = "প্রশ্নটি কী জানতে চায় ভাবো।"


def bulk_problems(count: int, start: int = 0) -> None:
    """`count` numeric problems with three hints each in the topic g6-integers (load the
    topics first), written in bulk."""
    topic = Topic.objects.get(code="g6-integers")
    problems = Problem.objects.bulk_create(
        Problem(
            code=f"bulk-{start + n:05d}",
            topic=topic,
            question_en=f"What is {n} + 1?",
            question_bn=f"{n} + ১ কত?",
            answer=str(n + 1),
            answer_type="numeric",
        )
        for n in range(count)
    )
    Hint.objects.bulk_create(
        Hint(problem=p, level=level, text_en="h", text_bn="ই")
        for p in problems
        for level in (1, 2, 3)
    )
