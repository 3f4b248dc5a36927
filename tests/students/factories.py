import factory

from apps.students.models import Guardian, GuardianStudent, Student


class StudentFactory(factory.django.DjangoModelFactory[Student]):
    class Meta:
        model = Student

    telegram_id = factory.Sequence(lambda n: 100_000_000 + n)
    name = factory.Faker("first_name")
    grade = 7
    language = Student.Language.BENGALI
    timezone = "Asia/Dhaka"


class GuardianFactory(factory.django.DjangoModelFactory[Guardian]):
    class Meta:
        model = Guardian

    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"+880171{n:07d}")
    email = factory.Sequence(lambda n: f"guardian{n}@example.com")


class GuardianStudentFactory(factory.django.DjangoModelFactory[GuardianStudent]):
    class Meta:
        model = GuardianStudent

    guardian = factory.SubFactory(GuardianFactory)
    student = factory.SubFactory(StudentFactory)
    relationship = GuardianStudent.Relationship.MOTHER
