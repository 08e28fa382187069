"""The ``storyline`` command: a thin face over the Python API.

Each verb opens the store, calls one API function and prints its result as a
table, or as JSON with ``--json``.
"""
from __future__ import annotations

import json
import os
import re
import sys
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .read import DEFAULT_MAX_BYTES
from .store import DEFAULT_DB, Store

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0] if __doc__ else None)
out = Console(soft_wrap=False)
err = Console(stderr=True)

DbOption = typer.Option(DEFAULT_DB, "--db", envvar="STORYLINE_DB", help="SQLite store file.")
JsonOption = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _open(db: str, threshold: float = 0.8) -> Store:
    return Store(db, threshold=threshold)


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*", text.lower())
    if not match:
        raise typer.BadParameter(f"not a size: {text!r} (try 50MB, 800KB, 2GB)")
    number, unit = float(match.group(1)), match.group(2)
    return int(number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit])


def _date(row: dict) -> str:
    if not row.get("published"):
        return "unknown"
    mark = "~" if row.get("date_inferred") else ""
    return f"{mark}{row['published']} ({row['date_source']})"


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files or folders (.txt, .html[.gz], .warc[.gz], .jsonl), or - for stdin."),
    db: str = DbOption,
    threshold: float = typer.Option(0.8, help="Near-duplicate threshold (estimated Jaccard of word 5-shingles)."),
    max_size: str = typer.Option(f"{DEFAULT_MAX_BYTES // 1024 // 1024}MB", help="Skip (and report) files larger than this."),
    workers: int = typer.Option(1, help="Processes for cleaning and describing (0 = one per core)."),
    batch_size: int = typer.Option(64, help="Documents per transaction; a killed run redoes at most one batch."),
    analyse_after: bool = typer.Option(True, "--analyse/--no-analyse", help="Analyse the new articles (entities, quotes, dates)."),
    as_json: bool = JsonOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """Read pages, clean, describe and deduplicate them into the store, then analyse what is new."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .pipeline import ingest as run_ingest

    workers = workers or os.cpu_count() or 1
    with _open(db, threshold) as store:
        show = not quiet and not as_json and err.is_terminal
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=err, disable=not show, transient=True) as progress:
            task = progress.add_task("reading…", total=None)

            def tick(r) -> None:
                progress.update(task, description=(
                    f"{r.documents} documents · {r.new_articles} new · {r.duplicates} duplicates · "
                    f"{len(r.failures)} failed"))

            report = run_ingest(store, paths, max_bytes=_size(max_size), workers=workers,
                                batch_size=batch_size, on_progress=tick)
        analysed = _run_analyse(store, quiet or as_json) if analyse_after else None
        clustered = _cluster_new(store) if analyse_after else None
        totals = store.counts()
    if as_json:
        _print_json({**report.as_dict(), "analysis": analysed.as_dict() if analysed else None,
                     "stories": clustered, "store": totals, "db": db})
    else:
        for f in report.failures:
            err.print(f"[red]failed[/red] {escape(f.source)}: {escape(f.reason)}")
        err.print(
            f"{report.documents} documents read: {report.new_articles} new articles, "
            f"{report.duplicates} duplicates, {report.unchanged} already stored, {len(report.failures)} failed. "
            f"Store {db}: {totals['articles']} articles, {totals['copies']} copies, "
            f"{totals['entities']} entities, {totals['quotes']} quotes."
        )
    clustered_ok = clustered is None or "error" not in clustered
    raise typer.Exit(0 if report.ok and (analysed is None or not analysed.failures) and clustered_ok else 1)


def _run_analyse(store: Store, quiet: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from .pipeline import analyse as run_analyse

    with Progress("analysing", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                  disable=quiet or not err.is_terminal, transient=True) as progress:
        task = progress.add_task("analysing", total=None)
        report = run_analyse(store, on_progress=lambda r, todo: progress.update(task, completed=r.articles, total=todo))
    for f in report.failures:
        err.print(f"[red]failed[/red] {escape(f.source)}: {escape(f.reason)}")
    return report


@app.command()
def analyse(db: str = DbOption, as_json: bool = JsonOption, quiet: bool = typer.Option(False, "--quiet", "-q")) -> None:
    """Analyse stored articles not analysed yet: sentences, entities, roles, quotes, time expressions."""
    with _open(db) as store:
        report = _run_analyse(store, quiet or as_json)
    if as_json:
        _print_json(report.as_dict())
    else:
        err.print(f"{report.articles} articles analysed: {report.mentions} mentions, {report.quotes} quotes; "
                  f"{report.entities} entities in the store; {len(report.failures)} failed.")
    raise typer.Exit(0 if not report.failures else 1)


ENTITY_TYPES = {"person": "PER", "per": "PER", "org": "ORG", "organisation": "ORG", "organization": "ORG",
                "country": "COUNTRY", "place": "PLACE", "loc": "PLACE"}


@app.command()
def entities(
    db: str = DbOption,
    type: Optional[str] = typer.Option(None, "--type", help="person, org, country or place."),
    limit: int = typer.Option(50, help="How many (0 = all)."),
    as_json: bool = JsonOption,
) -> None:
    """Canonical entities with aliases, roles, country, article and mention counts."""
    kind = None
    if type:
        kind = ENTITY_TYPES.get(type.lower())
        if kind is None:
            raise typer.BadParameter(f"unknown type {type!r}; use person, org, country or place")
    with _open(db) as store:
        rows = store.entities(type=kind, limit=limit or None)
    if as_json:
        return _print_json(rows)
    table = Table("name", "type", "country", "roles", "aliases", "articles", "mentions")
    for r in rows:
        roles = "; ".join(x["role"] for x in r["roles"][:2])
        table.add_row(escape(r["name"]), r["type"], r["country"] or "", escape(roles),
                      escape(", ".join(r["aliases"][:4])), str(r["articles"]), str(r["mentions"]))
    out.print(table)


def _entity_keys(store: Store, name: str) -> list[str]:
    from .resolve import normalise_name

    keys = store.find_entities(name, normalise_name)
    if not keys:
        err.print(f"no entity matches {name!r}")
        raise typer.Exit(1)
    return keys


@app.command()
def entity(name: str, db: str = DbOption, as_json: bool = JsonOption) -> None:
    """One entity: aliases, roles (with dates), articles, quotes and co-occurring entities."""
    with _open(db) as store:
        rows = [store.entity(k) for k in _entity_keys(store, name)]
    rows = sorted((r for r in rows if r), key=lambda r: -r["mentions"])
    if as_json:
        return _print_json(rows[0] if len(rows) == 1 else rows)
    for r in rows:
        out.print(f"[bold]{escape(r['name'])}[/bold]  {r['type']}  {r['country'] or ''}  "
                  f"{r['articles']} articles, {r['mentions']} mentions")
        if r["aliases"]:
            out.print("aliases: " + escape(", ".join(r["aliases"])))
        for role in r["roles"]:
            out.print(f"role: {escape(role['role'])} ({role['first_date'] or 'date unknown'})")
        for a in r["article_list"]:
            out.print(f"  article {a['id']}: {a['published'] or 'undated'}  {escape(a['title'] or '')}")
        if r["co_occurring"]:
            out.print("with: " + ", ".join(f"{escape(c['name'])} ({c['articles']})" for c in r["co_occurring"]))
        for q in r["quotes"]:
            out.print(f"  “{escape(q['content'])}” ({q['cue'] or ''}, article {q['article_id']})")
        out.print()


@app.command()
def quotes(
    db: str = DbOption,
    speaker: Optional[str] = typer.Option(None, help="Only what this entity said."),
    about: Optional[str] = typer.Option(None, help="Only quotes mentioning this entity."),
    limit: int = typer.Option(50, help="How many (0 = all)."),
    as_json: bool = JsonOption,
) -> None:
    """What was said, by whom, when: each quote with its sentence and article."""
    with _open(db) as store:
        rows = store.quotes(speaker_keys=_entity_keys(store, speaker) if speaker else None,
                            about_keys=_entity_keys(store, about) if about else None, limit=limit or None)
    if as_json:
        return _print_json(rows)
    table = Table("date", "speaker", "cue", "quote", "article")
    for q in rows:
        content = q["content"] if len(q["content"]) <= 160 else q["content"][:159].rsplit(" ", 1)[0] + "…"
        content = ("“" + content + "”") if q["direct"] else content
        table.add_row(q["published"] or "", escape(q["speaker_name"] or q["speaker"] or "?"), q["cue"] or "",
                      escape(content), str(q["article_id"]))
    out.print(table)


@app.command()
def articles(
    db: str = DbOption,
    limit: int = typer.Option(50, help="How many rows (0 = all)."),
    offset: int = typer.Option(0),
    outlet: Optional[str] = typer.Option(None, help="Only this outlet."),
    language: Optional[str] = typer.Option(None, "--lang", help="Only this language (ISO 639-1)."),
    as_json: bool = JsonOption,
) -> None:
    """One row per article: id, date and how it was found, outlet, language, title, copies."""
    with _open(db) as store:
        rows = store.articles(limit=limit or None, offset=offset, outlet=outlet, language=language)
    if as_json:
        return _print_json(rows)
    table = Table("id", "date (source)", "outlet", "lang", "title", "copies")
    for r in rows:
        title = escape(r["title"]) if r["title"] else f"[dim]{escape(r.get('lead') or '')}[/dim]"
        table.add_row(str(r["id"]), _date(r), r["outlet"] or "", r["language"] or "", title, str(r["copies"]))
    out.print(table)


@app.command()
def show(article_id: int, db: str = DbOption, as_json: bool = JsonOption) -> None:
    """One article: clean text, metadata and every copy (where and when it was seen)."""
    with _open(db) as store:
        row = store.article(article_id)
    if row is None:
        err.print(f"no article {article_id} in {db}")
        raise typer.Exit(1)
    if as_json:
        return _print_json(row)
    out.print(f"[bold]{escape(row['title'] or '(no title)')}[/bold]")
    out.print(f"date: {_date(row)} precision: {row['date_precision']}   outlet: {row['outlet'] or 'unknown'}"
              f"   language: {row['language'] or 'unknown'}")
    if row["cited_sources"]:
        out.print("cites: " + ", ".join(row["cited_sources"]))
    out.print()
    out.print(escape(row["text"]))
    out.print()
    table = Table("source", "url", "outlet", "seen", "similarity", title="copies")
    for c in row["copies"]:
        table.add_row(escape(c["source"]), c["url"] or "", c["outlet"] or "", c["fetched_at"] or "",
                      f"{c['similarity']:.2f}")
    out.print(table)


@app.command()
def search(query: str, db: str = DbOption, limit: int = typer.Option(20), as_json: bool = JsonOption) -> None:
    """Full-text search over titles and texts, ranked, with snippets."""
    with _open(db) as store:
        rows = store.search(query, limit=limit, mark=("[", "]") if as_json else ("\x02", "\x03"))
    if as_json:
        return _print_json(rows)
    table = Table("id", "date", "outlet", "title", "snippet")
    for r in rows:
        table.add_row(str(r["id"]), _date(r), r["outlet"] or "", escape(r["title"] or ""),
                      escape(r["snippet"]).replace("\x02", "[bold]").replace("\x03", "[/bold]"))
    out.print(table)


@app.command()
def failures(db: str = DbOption, as_json: bool = JsonOption) -> None:
    """Inputs that could not be used, with the reason."""
    with _open(db) as store:
        rows = store.failures()
    if as_json:
        return _print_json(rows)
    table = Table("source", "reason", "when")
    for r in rows:
        table.add_row(escape(r["source"]), escape(r["reason"]), r["seen_at"])
    out.print(table)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()


def _actor_sides(store: Store, names: list[str]) -> list[list[str]]:
    return [_entity_keys(store, n) for n in names]


@app.command()
def events(
    db: str = DbOption,
    type: Optional[list[str]] = typer.Option(None, "--type", help="PLOVER type(s): CONSULT, AGREE, …"),
    actor: Optional[str] = typer.Option(None, help="Only events where this entity (or its country) acts or is acted on."),
    date_from: Optional[str] = typer.Option(None, "--from", help="From this date (YYYY[-MM[-DD]])."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Up to this date."),
    background: bool = typer.Option(True, "--background/--no-background", help="Keep events the articles recall as history."),
    limit: int = typer.Option(100, help="How many (0 = all)."),
    as_json: bool = JsonOption,
) -> None:
    """Coded events merged across articles: type, mode, actors, place, date and precision, sources."""
    from .timeline import timeline as build_timeline

    with _open(db) as store:
        found = build_timeline(store, types=type, actors=_actor_sides(store, [actor]) if actor else None,
                               date_from=date_from, date_to=date_to, limit=limit or None, min_confidence=0.0,
                               background=background)
    _print_events(found, as_json, "events")


@app.command()
def timeline(
    db: str = DbOption,
    entity: Optional[str] = typer.Option(None, help="Events of this entity."),
    between: Optional[tuple[str, str]] = typer.Option(None, help="Events between two entities."),
    story: Optional[int] = typer.Option(None, help="Events of this story's articles."),
    date_from: Optional[str] = typer.Option(None, "--from", help="From this date (YYYY[-MM[-DD]])."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Up to this date."),
    background: bool = typer.Option(False, "--background/--no-background", help="Include history the articles recall."),
    limit: int = typer.Option(30, help="At most this many entries (0 = all)."),
    fmt: str = typer.Option("table", "--format", help="table, json, csv, md or html."),
    as_json: bool = JsonOption,
) -> None:
    """A dated timeline of the key events for an entity or a pair of entities, with sources."""
    from .timeline import timeline as build_timeline, to_html, to_markdown

    _check_format(fmt, ("table", "json", "csv", "md", "html"))
    names = list(between) if between else ([entity] if entity else [])
    with _open(db) as store:
        label = _story_label(store, story)
        entries = build_timeline(store, actors=_actor_sides(store, names) if names else None,
                                 date_from=date_from, date_to=date_to,
                                 article_ids=store.story_article_ids(story) if story is not None else None,
                                 limit=limit or None, background=background)
    fmt = "json" if as_json else fmt
    title = "Timeline: " + (label or " and ".join(names) or "all events")
    header = ["date", "precision", "inferred", "type", "mode", "source", "target", "actors_inferred", "place",
              "articles", "outlets", "summary", "article_ids"]
    if not _write_document(fmt, title, entries, to_markdown, to_html, header, lambda e: [
            e.date or "", e.precision, e.inferred, e.type, e.mode, e.source or "", e.target or "",
            e.actors_inferred, e.place or "", e.articles, e.outlets, e.summary,
            " ".join(str(v.article_id) for v in e.evidence)]):
        _print_events(entries, fmt == "json", "timeline")


@app.command()
def dates(
    db: str = DbOption,
    entity: Optional[str] = typer.Option(None, help="Days named in sentences about this entity."),
    between: Optional[tuple[str, str]] = typer.Option(None, help="Days named where both entities are."),
    story: Optional[int] = typer.Option(None, help="Days named in this story's articles."),
    date_from: Optional[str] = typer.Option(None, "--from", help="From this date (YYYY[-MM[-DD]])."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Up to this date."),
    limit: int = typer.Option(10, help="At most this many days (0 = all)."),
    sentences: int = typer.Option(1, help="Summary sentences per day."),
    fmt: str = typer.Option("table", "--format", help="table, json, csv, md or html."),
    as_json: bool = JsonOption,
) -> None:
    """The key days: those the most articles name, each with the sentences that tell what happened."""
    from .key_dates import from_store, to_html, to_markdown

    _check_format(fmt, ("table", "json", "csv", "md", "html"))
    names = list(between) if between else ([entity] if entity else [])
    with _open(db) as store:
        label = _story_label(store, story)
        found = from_store(store, article_ids=store.story_article_ids(story) if story is not None else None,
                           sides=_actor_sides(store, names) if names else None, date_from=date_from,
                           date_to=date_to, limit=limit or None, sentences=sentences)
    fmt = "json" if as_json else fmt
    title = "Key dates: " + (label or " and ".join(names) or "all articles")
    if fmt == "json":
        return _print_json([d.as_dict() for d in found])
    header = ["date", "articles", "outlets", "first_reported", "background", "announced", "summary", "events",
              "article_ids"]
    if not _write_document(fmt, title, found, to_markdown, to_html, header, lambda d: [
            d.date, d.articles, d.outlets, d.first_reported or "", d.background, d.announced, " ".join(d.summary),
            "; ".join(d.events), " ".join(str(v["article"]) for v in d.evidence)]):
        table = Table("date", "summary", "events", "sources", title=title, expand=True)
        for column, ratio in zip(table.columns, (2, 6, 3, None)):  # the summary is what the reader came for
            column.ratio = ratio
        table.columns[3].min_width = 8
        for d in found:
            table.add_row(d.label(), escape(" ".join(d.summary)), escape("\n".join(d.events[:3])),
                          f"{d.articles} art.\n{d.outlets} outl.")
        out.print(table)


def _write_document(fmt: str, title: str, items: list, to_markdown, to_html, header: list[str], row) -> bool:
    """A timeline or key dates as Markdown, HTML or CSV (``row`` turns an item into its CSV row) on standard
    output; False for any other format, which the command prints itself."""
    if fmt == "md":
        sys.stdout.write(to_markdown(items, title) + "\n")
    elif fmt == "html":
        sys.stdout.write(to_html(items, title) + "\n")
    elif fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(row(item) for item in items)
    else:
        return False
    return True


def _check_format(fmt: str, formats: tuple[str, ...]) -> None:
    if fmt not in formats:
        err.print(f"unknown --format {fmt!r}: use {', '.join(formats[:-1])} or {formats[-1]}")
        raise typer.Exit(2)


def _story_label(store: Store, story: int | None) -> str | None:
    """The label of ``--story N``; a story that is not there is an error, not an empty timeline."""
    if story is None:
        return None
    row = store.story(story)
    if row is None:
        err.print(f"no story {story} in {store.path}")
        raise typer.Exit(1)
    return row["label"]


def _print_events(found, as_json: bool, title: str) -> None:
    from .timeline import date_label

    if as_json:
        return _print_json([e.as_dict() for e in found])
    table = Table("date", "event", "summary", "sources", title=title)
    table.columns[0].min_width, table.columns[1].min_width = 12, 16
    for e in found:
        summary = e.summary if len(e.summary) <= 140 else e.summary[:139].rsplit(" ", 1)[0] + "…"
        actors = " → ".join(filter(None, (e.source, e.target)))
        actors += " (from the sentence before)" if actors and e.actors_inferred else ""
        what = f"[bold]{e.type}[/bold] {e.mode}" + (f"\n{escape(actors)}" if actors else "") \
            + (f"\nin {escape(e.place)}" if e.place else "")
        table.add_row(date_label(e), what, escape(summary), f"{e.articles} art.\n{e.outlets} outl.")
    out.print(table)


def _cluster_new(store: Store) -> dict:
    """New articles into stories; the stored articles stay when that cannot be done (embeddings missing)."""
    from .embed import EmbeddingsUnavailable
    from .pipeline import cluster as run_cluster

    try:
        return run_cluster(store)
    except EmbeddingsUnavailable as exc:
        err.print(f"[red]stories not updated[/red]: this store's stories use embeddings; {escape(str(exc))}")
        return {"error": str(exc)}


@app.command()
def stories(
    db: str = DbOption,
    rebuild: bool = typer.Option(False, "--rebuild", help="Re-cluster every article from scratch, in date order."),
    embeddings: bool = typer.Option(
        False, "--embeddings", help="With --rebuild: add dense embeddings to the similarity (extra storyline[embed]);"
        " articles ingested later are embedded too."),
    embedding_weight: float = typer.Option(
        0.1, help="Their weight in the similarity, with --embeddings (0.2 fused topics once time could not help:"
        " docs/quality.md)."),
    limit: int = typer.Option(50, help="How many (0 = all)."),
    as_json: bool = JsonOption,
) -> None:
    """Stories, newest activity first: label, time span, articles, outlets, top entities."""
    from .embed import INSTALL_HINT, EmbeddingsUnavailable, available
    from .pipeline import cluster as run_cluster

    if embeddings and not rebuild:
        err.print("--embeddings changes how stories are built: give --rebuild too")
        raise typer.Exit(2)
    if embeddings and not available():
        err.print(f"[red]error[/red] dense embeddings need the optional extra: {escape(INSTALL_HINT)}")
        raise typer.Exit(1)
    with _open(db) as store:
        if rebuild:
            try:
                run_cluster(store, rebuild=True, params={"embedding_weight": embedding_weight} if embeddings else None)
            except EmbeddingsUnavailable as exc:
                err.print(f"[red]error[/red] {escape(str(exc))}")
                raise typer.Exit(1)
        rows = store.stories(limit=limit or None)
    if as_json:
        return _print_json(rows)
    table = Table("id", "label", "from", "to", "articles", "outlets", "languages")
    for r in rows:
        table.add_row(str(r["id"]), escape(r["label"]), r["start"] or "", r["end"] or "", str(r["articles"]),
                      str(len(r["outlets"])), ", ".join(r["languages"]))
    out.print(table)


@app.command("story")
def story_cmd(story_id: int, db: str = DbOption, as_json: bool = JsonOption) -> None:
    """One story: its articles in order, its entities, its timeline and its key days."""
    from .key_dates import from_store
    from .timeline import date_label, timeline as build_timeline

    with _open(db) as store:
        row = store.story(story_id)
        if row is None:
            err.print(f"no story {story_id} in {db}")
            raise typer.Exit(1)
        ids = store.story_article_ids(story_id)
        events = build_timeline(store, article_ids=ids, limit=20)
        days = from_store(store, article_ids=ids, limit=10)
    if as_json:
        return _print_json({**row, "timeline": [e.as_dict() for e in events], "key_dates": [d.as_dict() for d in days]})
    out.print(f"[bold]{escape(row['label'])}[/bold]  {row['start'] or '?'} – {row['end'] or '?'}  "
              f"{row['articles']} articles")
    for a in row["article_list"]:
        out.print(f"  {a['id']:>5}  {a['published'] or 'undated':10}  {escape(a['title'] or a.get('lead') or '')}")
    out.print("entities: " + ", ".join(f"{escape(e['name'])} ({e['articles']})" for e in row["entities"][:12]))
    for e in events:
        out.print(f"  {date_label(e)}  {e.type} ({e.mode})  {escape(e.summary)}")
    if days:
        out.print("key days:")
    for d in days:
        out.print(f"  {d.label()}  {d.articles} art.  {escape(' '.join(d.summary))}")
