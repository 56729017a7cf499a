from assistant.extractive import split_units


def test_list_kept_whole_with_its_lead_in():
    passage = ("Điều 3. Giám sát\nMặt trận giám sát bằng các hình thức sau:\na) Nghiên cứu văn bản;\n"
               "b) Tổ chức đoàn giám sát.\nKết quả được gửi cơ quan có thẩm quyền. Cơ quan phải trả lời.")
    units = split_units(passage)
    assert "Mặt trận giám sát bằng các hình thức sau:\na) Nghiên cứu văn bản;\nb) Tổ chức đoàn giám sát." in units
    assert "Kết quả được gửi cơ quan có thẩm quyền." in units
    assert "Cơ quan phải trả lời." in units
