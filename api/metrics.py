"""Prometheus metrics of one app instance (its own registry, so apps never collide)."""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    """Request counts and latencies, retrieval and generation time, answers and refusals."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("mttq_requests_total", "HTTP requests", ["route", "method", "status"],
                                registry=self.registry)
        self.latency = Histogram("mttq_request_seconds", "HTTP request latency (to the last byte)", ["route"],
                                 buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.retrieval = Histogram("mttq_retrieval_seconds", "Retrieval time per question",
                                   buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.generation = Histogram("mttq_generation_seconds", "LLM generation time per question",
                                    buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.answers = Counter("mttq_answers_total", "Answers by how they were made", ["mode"],
                               registry=self.registry)
        self.refusals = Counter("mttq_refusals_total", "Questions the documents could not answer",
                                registry=self.registry)

    def observe_answer(self, mode: str, refused: bool, timings: dict[str, float]) -> None:
        """Record one answered turn (``timings`` in milliseconds)."""
        self.answers.labels(mode=mode.split(":")[0]).inc()
        if refused:
            self.refusals.inc()
        if "retrieval_ms" in timings:
            self.retrieval.observe(timings["retrieval_ms"] / 1000)
        if "generation_ms" in timings:
            self.generation.observe(timings["generation_ms"] / 1000)
