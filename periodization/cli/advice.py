"""``periodize recommend`` and ``periodize serve``: today's session from an export, alone, as a
batch on Ray, or as a web app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from periodization.cli.base import SeedOpt, app, check_seed, stderr_line, user_errors
from periodization.core.errors import UserError


@app.command("recommend")
@user_errors
def recommend(
    data: Annotated[Path, typer.Option(
        "--data", help="A wearable export (file, folder or zip: WHOOP, Oura, Garmin, Fitbit, "
        "Polar, Apple Health, intervals.icu, HRV4Training, Elite HRV or the generic CSV; "
        "several sources of one athlete in one folder are merged), a folder holding one "
        "export per athlete, or a CSV with an athlete_id column.")],
    model: Annotated[Path | None, typer.Option(
        help="Trained run directory (default: the model shipped with the package).")] = None,
    plan_days: Annotated[int, typer.Option(
        help="Days to plan, today included (1-28).")] = 7,
    ill: Annotated[bool, typer.Option(
        "--ill", help="You are ill or injured today: only rest or active recovery.")] = False,
    json_out: Annotated[bool, typer.Option(
        "--json", help="Print JSON (one object; a batch prints one object per line).")] = False,
    seed: SeedOpt = 0,
    on_ray: Annotated[bool, typer.Option(
        "--ray", help="A batch sharded across Ray workers (the ray extra), streamed to "
        "--out; docs/scale.md.")] = False,
    out: Annotated[Path | None, typer.Option(
        help="With --ray: the results file, .jsonl or .parquet.")] = None,
    workers: Annotated[int | None, typer.Option(
        help="With --ray: shards at once (default: the cluster's CPUs).")] = None,
    address: Annotated[str | None, typer.Option(
        help="With --ray: the cluster to join (default: a local one).")] = None,
    shard_athletes: Annotated[int, typer.Option(
        help="With --ray: athletes per shard.", min=1)] = 2000,
) -> None:
    """Today's session from your wearable export, with the reasons and a plan.

    For the morning of the export's last day: the session (action, zone, minutes, target
    load), the coach's probabilities, the actions the safety rules rule out and why, what
    stands out in your data, and the next days simulated with your calibrated model. The
    recommendation is deterministic (--seed is accepted for uniformity). Not medical advice.
    """
    check_seed(seed)
    from periodization.advice.recommend import recommend_any
    from periodization.core import console
    from periodization.core.io import json_text

    if not 1 <= plan_days <= 28:
        raise UserError(f"--plan-days must be between 1 and 28, got {plan_days}")
    if out is not None and not on_ray:
        raise UserError("--out is for --ray (without it, --json prints the results)")
    if on_ray:
        _recommend_on_ray(data, out=out, model=model, plan_days=plan_days, ill=ill,
                          workers=workers, address=address, shard_athletes=shard_athletes,
                          json_out=json_out)
        return
    results, batch = recommend_any(data, model=model, plan_days=plan_days, ill=ill)
    if json_out and batch:
        typer.echo("\n".join(json_text(r, indent=None) for r in results))
    elif json_out:
        typer.echo(json_text(results[0]))
    elif batch:
        console.print_recommendation_batch(results)
    else:
        console.print_recommendation(results[0])
    if all("error" in r for r in results):
        raise typer.Exit(2)


def _recommend_on_ray(data: Path, *, out: Path | None, json_out: bool,
                      **options: Any) -> None:
    from periodization.core.io import json_text
    from periodization.scale.batch import recommend_on_ray

    if out is None:
        raise UserError("--ray writes its results to a file: give --out FILE.jsonl or "
                        "FILE.parquet")
    summary = recommend_on_ray(data, out=out, progress=None if json_out else stderr_line,
                               **options)
    if json_out:
        typer.echo(json_text({k: v for k, v in summary.items() if k != "per_shard"}))
    else:
        typer.echo(f"{summary['advised']} of {summary['athletes']} athletes advised in "
                   f"{summary['wall_s']:.1f} s ({summary['shards']} shards) -> {out}")
    if summary["athletes"] and not summary["advised"]:
        raise typer.Exit(2)


@app.command("serve")
@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine "
                                      "only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    db: Annotated[str | None, typer.Option(
        "--db", help="Store URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB "
        "(default: SQLite in your user data directory).")] = None,
    model: Annotated[Path | None, typer.Option(
        help="Trained run directory (default: the model shipped with the package).")] = None,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Seed a few synthetic athletes and a coach (in a demo store of its "
        "own unless --db is given) and print their sign-ins.")] = False,
    workers: Annotated[int, typer.Option(
        help="Server processes on the port (uvicorn workers; they share the store). More "
        "than 1 uses more cores; each holds its own copy of the model.", min=1, max=64)] = 1,
) -> None:
    """The coach as a local web app and JSON API (docs/serve.md).

    Accounts, uploads, today's session, charts, the plan as a calendar feed and a coach's
    team view.
    """
    from periodization.serve.deps import require_serve

    require_serve()
    from periodization.serve.run import serve as run_server

    run_server(host=host, port=port, db=db, model=model, demo=demo, workers=workers,
               say=lambda msg: typer.echo(msg, err=True))
