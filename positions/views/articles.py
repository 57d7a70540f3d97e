from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from config.lib.access import public_read
from config.lib.pagination import web_page
from config.lib.past_pages import reads_the_past
from config.lib.replicas import reads_primary
from positions.filters import ArticleFilter
from positions.forms import (
    ArticleForm,
    WebArticlePositionFormSet,
    WebPositionForm,
    error_summary,
    has_version_conflict,
)
from positions.forms.conflicts import loaded_versions, rebase
from positions.forms.missing import NewPersonForm, NewProposalForm
from positions.forms.names import names_to_slugs, page_filter_fields
from positions.models import Article, Confidence
from positions.selectors import (
    article_positions,
    article_positions_read,
    article_read,
    articles_listed,
    as_articles,
)
from positions.selectors.conflicts import article_as_loaded, positions_as_loaded
from positions.services import (
    ArticleChanged,
    VersionConflict,
    article_save_with_positions,
)

POSITIONS_PREFIX = "positions"


@public_read
@reads_the_past
def article_list(request):
    query, name_errors = names_to_slugs(
        request.GET,
        {
            name: field
            for name, field in page_filter_fields().items()
            if name != "negotiation"
        },
    )
    articles = ArticleFilter(query, queryset=articles_listed())
    context = {"filter": articles, "articles": [], "typed": request.GET}
    if articles.is_valid() and not name_errors:
        page = web_page(request, articles.qs)
        context |= {"articles": as_articles(page.pop("rows"))} | page
    for name, errors in name_errors.items():
        articles.form.errors[name] = articles.form.error_class(errors)
    return render(request, "positions/article_list.html", context)


@public_read
@reads_the_past
def article_detail(request, pk):
    article = article_read(pk=pk)
    if article is None:
        raise Http404(f"No article {pk}.")
    return render(
        request,
        "positions/article_detail.html",
        {"article": article, "positions": article_positions_read(article=article)},
    )


@reads_primary
@login_required
@permission_required(
    ["positions.add_article", "positions.add_position"], raise_exception=True
)
def article_create(request):
    return _article_with_positions(request, Article())


@reads_primary
@login_required
@permission_required("positions.change_article", raise_exception=True)
def article_edit(request, pk):
    return _article_with_positions(request, get_object_or_404(Article, pk=pk))


def _article_with_positions(request, article):
    """The analyst's main form: an article and, inline, the positions it reports."""
    data = request.POST if request.method == "POST" else None
    rows_asked = data is not None and (
        _with_rows_asked(data) or _with_missing_added(request, data)
    )
    form = ArticleForm(rows_asked or data, instance=article)
    formset = _positions_formset(request, rows_asked or data, article)
    changed_meanwhile = None
    if data is not None and not rows_asked:
        if form.is_valid() and formset.is_valid():
            try:
                saved = article_save_with_positions(
                    article=form.instance,
                    loaded_at=form.cleaned_data.get("loaded_at") or None,
                    **formset.changes(),
                    by=request.user,
                )
            except (ArticleChanged, VersionConflict):
                form, formset, changed_meanwhile = _rebased(request, data, article)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Saved the article and its positions.")
                return redirect("positions:article-detail", pk=saved.pk)
        elif has_version_conflict(formset):
            form, formset, changed_meanwhile = _rebased(request, data, article)
    return render(
        request,
        "positions/article_form.html",
        {
            "form": form,
            "formset": formset,
            "article": article,
            "is_new": article.pk is None,
            "changed_meanwhile": changed_meanwhile,
            "errors": [] if rows_asked else error_summary(form, formset),
            "recorded_as": _recorded_as(form),
        },
    )


def _recorded_as(form) -> int | None:
    """The id of the article already recorded at the address typed, if that
    is why the form was refused: the page links it."""
    for error in form.errors.as_data().get("url", []):
        if error.code == "unique" and error.params:
            return error.params["article"]
    return None


def _rebased(request, data, article):
    """Nothing was saved: the editor's entries, on what is stored now."""
    data = data.copy()
    current = get_object_or_404(Article, pk=article.pk)
    form = ArticleForm(data, instance=current)
    formset = _positions_formset(request, data, current)
    changed = rebase(
        form,
        formset,
        loaded_article=article_as_loaded(
            article=current, loaded_at=data.get("loaded_at")
        ),
        loaded_positions=positions_as_loaded(versions=loaded_versions(formset)),
    )
    return form, formset, changed


# What an editor may add from the form when a typed name names nothing.
MAY_ADD = {"speaker": "actors.add_actor", "proposal": "positions.add_proposal"}


def _positions_formset(request, data, article):
    may_add = {name for name, perm in MAY_ADD.items() if request.user.has_perm(perm)}
    formset = WebArticlePositionFormSet(
        data,
        instance=article,
        prefix=POSITIONS_PREFIX,
        queryset=article_positions(article=article) if article.pk else None,
        form_kwargs={"may_add": frozenset(may_add)},
    )
    # Removing positions is a curator's right, not an analyst's.
    formset.can_delete = request.user.has_perm("positions.delete_position")
    return formset


def _with_rows_asked(data):
    """Without JavaScript, "Add a position" and "Duplicate" post the form back
    with one more row: a new one takes the speaker and date of the last row,
    a duplicate everything its original holds. None when neither was asked."""
    try:
        count = int(data.get(f"{POSITIONS_PREFIX}-TOTAL_FORMS", ""))
        if "add_row" in data:
            source, names = count - 1, WebPositionForm.CARRIED
        elif "duplicate_row" in data:
            source, names = int(data["duplicate_row"]), WebPositionForm.COPIED
        else:
            return None
    except ValueError:
        return None
    data = data.copy()
    data[f"{POSITIONS_PREFIX}-TOTAL_FORMS"] = str(count + 1)
    # The new row posts its defaults, so it counts as untouched (no errors shown).
    data[f"{POSITIONS_PREFIX}-{count}-confidence"] = str(Confidence.MEDIUM)
    if 0 <= source < count:
        for name in names:
            key = f"{POSITIONS_PREFIX}-{source}-{name}"
            if key in data:
                data[f"{POSITIONS_PREFIX}-{count}-{name}"] = data[key]
    return data


def _with_missing_added(request, data):
    """ "Add … as a new person/proposal": add what a row names, keep the form
    as it was posted (now naming a row that exists). None when not asked."""
    row, _, name = data.get("add_missing", "").rpartition("-")
    if name not in MAY_ADD or not request.user.has_perm(MAY_ADD[name]):
        return None
    typed = (data.get(f"{row}-{name}") or "").strip()
    if name == "speaker":
        new = NewPersonForm({"name": typed})
    else:
        negotiation = data.get(f"{row}-new-proposal-negotiation")
        new = NewProposalForm({"title": typed, "negotiation": negotiation})
    if new.is_valid():
        added = new.save()
        messages.success(request, f"Added “{added}” as a new {new.kind}.")
    else:
        for errors in new.errors.values():
            messages.error(request, f"“{typed}” was not added: {' '.join(errors)}")
    return data.copy()
