"""Reading Server-Sent Events in tests."""
import json


def parse_events(response) -> list[tuple[str, dict]]:
    """``(event name, JSON data)`` pairs of a streamed httpx response, in order."""
    events, name = [], None
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and name:
            events.append((name, json.loads(line.split(":", 1)[1])))
    return events
