import datetime

import factory
from django.contrib.auth import get_user_model

from actors.models import Actor, Affiliation
from positions.models import (
    Article,
    Confidence,
    Event,
    EventKind,
    Negotiation,
    Position,
    Proposal,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)
        if create:
            self.save()


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"State {n}")
    kind = Actor.Kind.STATE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Person {n}")
    kind = Actor.Kind.PERSON


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(StateFactory)
    role = "Minister"
    start_date = datetime.date(2000, 1, 1)


class NegotiationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Negotiation

    title = factory.Sequence(lambda n: f"Negotiation {n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    negotiation = factory.SubFactory(NegotiationFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    url = factory.Sequence(lambda n: f"https://news.example.org/articles/{n}")
    title = factory.Sequence(lambda n: f"Headline {n}")
    outlet = "The Example Times"
    published_on = datetime.date(2019, 3, 28)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    negotiation = factory.SubFactory(NegotiationFactory)
    title = factory.Sequence(lambda n: f"Event {n}")
    kind = EventKind.MEETING
    starts_on = datetime.date(2019, 2, 27)

    @factory.post_generation
    def articles(self, create, extracted, **kwargs):
        if create and extracted:
            self.articles.set(extracted)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    actor = factory.SubFactory(StateFactory)
    proposal = factory.SubFactory(ProposalFactory)
    article = factory.SubFactory(ArticleFactory)
    stance = 0
    stated_on = factory.SelfAttribute("article.published_on")
    confidence = Confidence.MEDIUM
