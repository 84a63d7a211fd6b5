from celery import shared_task


@shared_task(ignore_result=False)
def ping(token: str) -> str:
    """Echo a token back: proves a broker -> worker -> result round trip."""
    return f"pong:{token}"
