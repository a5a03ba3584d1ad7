import typer

export_app = typer.Typer(help="Export invitation lists and contacts (CSV, XLSX, vCard).")
