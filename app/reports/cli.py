import typer


def dormant() -> None:
    """Print the dormant partner cities."""
    raise typer.Exit(1)
