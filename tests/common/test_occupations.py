import pytest
from django.core.management import CommandError, call_command

from cases.common.demo import OCCUPATIONS_SAMPLE
from cases.common.reference import occupations_import_csv
from cases.models import Occupation, SkillLevel

pytestmark = pytest.mark.django_db


def test_sample_catalogue_imports_and_reimport_updates(tmp_path):
    call_command("import_occupations", str(OCCUPATIONS_SAMPLE))
    count = Occupation.objects.count()
    assert count >= 10
    call_command("import_occupations", str(OCCUPATIONS_SAMPLE))
    assert Occupation.objects.count() == count
    welder = Occupation.objects.get(code="6-18-02-04")
    assert welder.name == "焊工" and sorted(welder.levels) == [1, 2, 3, 4, 5]


def test_one_bad_row_imports_nothing_and_names_every_bad_row():
    text = "code,name,trade,levels\n6-18-01-01,车工,,5|4|3\n61801,铣工,,5|4\n6-18-01-03,钳工,,7\n6-18-01-01,车工,,5\n"
    result = occupations_import_csv(text=text)
    assert Occupation.objects.count() == 0
    joined = "\n".join(result.errors)
    assert "第 3 行" in joined and "第 4 行" in joined and "第 5 行" in joined
    assert "第 2 行：" not in joined  # the good row is not reported


def test_missing_columns_are_reported():
    result = occupations_import_csv(text="code,name\n6-18-01-01,车工\n")
    assert result.errors and "levels" in result.errors[0]


def test_command_fails_with_clear_message_for_bad_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,trade,levels\nX,Y,,5\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未导入"):
        call_command("import_occupations", str(bad))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_occupations", str(tmp_path / "missing.csv"))


def test_level_labels_follow_the_national_scheme():
    assert SkillLevel(1).label == "一级/高级技师"
    assert SkillLevel(5).label == "五级/初级工"
