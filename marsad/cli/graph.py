"""`marsad graph`: the link graph as one user may see it — exported, or asked about (neighbours, path,
communities, centrality).

Why a command: an analyst on an air-gapped workstation opens the graph in a graph tool (GraphML), hands it to
a peer (STIX bundle) or asks a quick question from the shell. Without ``--as`` only TLP:CLEAR objects count
(the rule of ``marsad export``). Exports are audited (who, format, how many nodes and links). The graph itself
is :func:`marsad.analysis.graph.link_graph`.
"""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from marsad.access import load_viewer, record_export
from marsad.access.audit import SYSTEM
from marsad.analysis.graph import centrality, communities, graph_json, link_graph, neighbours, shortest_path
from marsad.analysis.graph_export import to_graphml, to_stix_bundle
from marsad.cli.context import DatabaseUrlOption, DataDirOption, engine_for, settings_for
from marsad.errors import InputError
from marsad.store.migrate import upgrade

__all__ = ["register", "graph_app", "export", "neighbours_command", "path_command", "communities_command",
           "centrality_command"]

graph_app = typer.Typer(help="The link graph: groups, incidents, places, wallets and organised-crime links.",
                        no_args_is_help=False, invoke_without_command=True)


class Format(str, Enum):
    graphml = "graphml"
    stix = "stix"
    json = "json"


AsUser = Annotated[Optional[str], typer.Option("--as", help="Build the graph of what this user may see (default: "
                                               "TLP:CLEAR only).", show_default=False)]
SinceOption = Annotated[Optional[str], typer.Option("--since", help="Only incidents on or after this day "
                                                    "(YYYY-MM-DD).", show_default=False)]
LimitOption = Annotated[int, typer.Option("--limit", help="At most this many (most recent) incidents; 0: all.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _since(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--since {text!r} is not a date (YYYY-MM-DD)") from None


def _build(ctx: typer.Context, data_dir, database_url, as_user, since, limit):
    settings = settings_for(ctx, data_dir, database_url)
    engine = engine_for(ctx, settings)
    upgrade(engine)
    viewer = None
    if as_user:
        with engine.connect() as conn:
            viewer = load_viewer(conn, as_user.strip().lower())
    if limit < 0:
        raise InputError("--limit must be 0 (all) or more")
    return engine, viewer, link_graph(engine, viewer, since=_since(since), limit=limit or None)


def _table(title: str, headers: list[str], rows: list[list]) -> None:
    table = Table(title=title)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


@graph_app.callback()
def export(
    ctx: typer.Context,
    output: Annotated[Format, typer.Option("--format", "-f", help="graphml, stix (a STIX 2.1 bundle) or json.")]
    = Format.graphml,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file (default: standard "
                                                "output).", show_default=False)] = None,
    as_user: AsUser = None, since: SinceOption = None, limit: LimitOption = 0,
    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """Export the graph (without a sub-command), or ask about it (neighbours, path, communities, centrality)."""
    if ctx.invoked_subcommand is not None:
        return
    engine, viewer, graph = _build(ctx, data_dir, database_url, as_user, since, limit)
    if output is Format.graphml:
        data = to_graphml(graph)
    else:
        doc = to_stix_bundle(graph) if output is Format.stix else graph_json(graph)
        data = (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    record_export(engine, viewer or SYSTEM, [], what="link graph", format=output.value,
                  nodes=graph.number_of_nodes(), edges=graph.number_of_edges(), file=out.name if out else None)
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    typer.echo(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} links → {out}", err=True)


@graph_app.command("neighbours")
def neighbours_command(
    ctx: typer.Context,
    node: Annotated[str, typer.Argument(help="A node id (e.g. a threat-actor or incident id).", show_default=False)],
    depth: Annotated[int, typer.Option("--depth", help="How many links away.")] = 1,
    as_user: AsUser = None, since: SinceOption = None, limit: LimitOption = 0, as_json: JsonFlag = False,
    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """The nodes within --depth links of NODE, nearest first."""
    _, _, graph = _build(ctx, data_dir, database_url, as_user, since, limit)
    found = neighbours(graph, node, depth)
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        _table(f"Neighbours of {node}", ["distance", "kind", "label", "id"],
               [[n["distance"], n["kind"], n["label"], n["id"]] for n in found])


@graph_app.command("path")
def path_command(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="From this node id.", show_default=False)],
    target: Annotated[str, typer.Argument(help="To this node id.", show_default=False)],
    as_user: AsUser = None, since: SinceOption = None, limit: LimitOption = 0, as_json: JsonFlag = False,
    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """A shortest chain of links between two nodes."""
    _, _, graph = _build(ctx, data_dir, database_url, as_user, since, limit)
    found = shortest_path(graph, source, target)
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=1))
    elif not found:
        typer.echo("No path: the two nodes are not linked in what you may see.")
    else:
        _table("Shortest path", ["kind", "label", "id"], [[n["kind"], n["label"], n["id"]] for n in found])


@graph_app.command("communities")
def communities_command(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", help="Show this many communities.")] = 10,
    as_user: AsUser = None, since: SinceOption = None, limit: LimitOption = 0, as_json: JsonFlag = False,
    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """Communities (Louvain, seeded), largest first, named by their groups and places."""
    _, _, graph = _build(ctx, data_dir, database_url, as_user, since, limit)
    found = communities(graph)[:max(top, 0)]
    docs = [{"size": len(c), "members": c} for c in found]
    if as_json:
        typer.echo(json.dumps(docs, ensure_ascii=False, indent=1))
        return
    _table("Communities", ["size", "groups, places, wallets…"], [[len(c), _names(graph, c)] for c in found])


def _names(graph, members: list[str]) -> str:
    shown = [str(graph.nodes[n]["label"]) for n in members if graph.nodes[n]["kind"] != "incident"]
    return ", ".join(shown[:8]) + (" …" if len(shown) > 8 else "")


@graph_app.command("centrality")
def centrality_command(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", help="Show this many nodes.")] = 20,
    kind: Annotated[Optional[list[str]], typer.Option("--kind", help="Only nodes of this kind (repeatable): group, "
                                                      "crime, incident, place, indicator, wallet, organisation.",
                                                      show_default=False)] = None,
    as_user: AsUser = None, since: SinceOption = None, limit: LimitOption = 0, as_json: JsonFlag = False,
    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """The most central nodes (approximate betweenness, seeded) with their degree centrality."""
    _, _, graph = _build(ctx, data_dir, database_url, as_user, since, limit)
    found = centrality(graph, top=max(top, 0), kinds=kind or None)
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        _table("Centrality", ["kind", "label", "betweenness", "degree", "id"],
               [[n["kind"], n["label"], n["betweenness"], n["degree"], n["id"]] for n in found])


def register(app: typer.Typer) -> None:
    app.add_typer(graph_app, name="graph")

