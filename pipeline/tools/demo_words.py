"""Demo words: the people of a demo ward and what its units write about their year.

People: Vietnamese full names (surname, middle name, given name; men and women), drawn without
repetition for the whole ward (:class:`People`), so no one appears in two units by chance.
Statements: per family of units (residential, agency, armed, organisation) a pool of strengths,
shortcomings and requests; some sentences are common to all (units write them alike, and the report
groups them: "(3 đơn vị: …)"), some near-identical, most specific; a unit may leave one empty.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

SURNAMES = (
    ("Nguyễn", 8),
    ("Trần", 4),
    ("Lê", 4),
    ("Phạm", 3),
    ("Huỳnh", 3),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 1),
    ("Dương", 1),
    ("Đinh", 1),
    ("Trương", 1),
    ("Phan", 2),
    ("Lý", 1),
    ("Tô", 1),
    ("Mai", 1),
)
MALE_MIDDLE = ("Văn", "Văn", "Đức", "Minh", "Quốc", "Thanh", "Hữu", "Công", "Ngọc", "Xuân", "Đình", "Tấn")
MALE_GIVEN = (
    "Hùng", "Minh", "Tâm", "Dũng", "Hải", "Tuấn", "Long", "Phúc", "Thắng", "Sơn",
    "Trung", "Khánh", "Bình", "Quang", "Nam", "Vinh", "Lộc", "Tài", "Hiếu", "Cường",
)  # fmt: skip
FEMALE_MIDDLE = ("Thị", "Thị", "Thị Thu", "Thị Kim", "Thị Ngọc", "Thị Mỹ", "Thị Thanh", "Ngọc", "Thu", "Thị Hồng")
FEMALE_GIVEN = (
    "Hoa", "Lan", "Mai", "Hà", "Hương", "Trang", "Nga", "Thảo", "Hạnh", "Liên",
    "Phượng", "Dung", "Yến", "Nhung", "Loan", "Hằng", "Vân", "Oanh", "Tuyết", "Linh",
)  # fmt: skip


def person(rng: random.Random, female: bool) -> str:
    """One full name: a weighted surname, a middle name and a given name of the sex asked."""
    surname = rng.choices([s for s, _ in SURNAMES], [w for _, w in SURNAMES])[0]
    middles, givens = (FEMALE_MIDDLE, FEMALE_GIVEN) if female else (MALE_MIDDLE, MALE_GIVEN)
    middle, given = rng.choice(middles), rng.choice(givens)
    while given in middle.split():
        given = rng.choice(givens)
    return f"{surname} {middle} {given}"


class People:
    """The people of one demo ward: every name drawn once (``taken`` names are never given)."""

    def __init__(self, rng: random.Random, taken: tuple[str, ...] = ()) -> None:
        self._rng = rng
        self._used = set(taken)

    def draw(self, count: int, women: float = 0.5) -> list[str]:
        """``count`` new names, each a woman's with probability ``women``."""
        names: list[str] = []
        while len(names) < count:
            name = person(self._rng, self._rng.random() < women)
            if name not in self._used:
                self._used.add(name)
                names.append(name)
        return names


# --------------------------------------------------------------------------- statements

STRENGTHS = "strengths"
SHORTCOMINGS = "shortcomings"
REQUESTS = "requests"
# How often a unit leaves a question empty.
EMPTY = {STRENGTHS: 0.05, SHORTCOMINGS: 0.2, REQUESTS: 0.3}

COMMON: Mapping[str, tuple[str, ...]] = {
    STRENGTHS: (
        "Cấp ủy quan tâm lãnh đạo; Nhân dân đồng tình, hưởng ứng các mô hình.",
        "Cấp ủy quan tâm lãnh đạo, Nhân dân đồng tình hưởng ứng các mô hình",
        "Các mô hình được duy trì thường xuyên, phát huy hiệu quả.",
    ),
    SHORTCOMINGS: (
        "Kinh phí thực hiện mô hình còn hạn chế.",
        "Kinh phí thực hiện các mô hình còn hạn chế",
        "Công tác sơ kết, đánh giá mô hình chưa kịp thời.",
    ),
    REQUESTS: (
        "Đề nghị phường hỗ trợ kinh phí duy trì mô hình.",
        "Đề nghị phường hỗ trợ thêm kinh phí duy trì mô hình.",
        "Đề nghị tổ chức tập huấn cách xây dựng mô hình “Dân vận khéo”.",
    ),
}
BY_FAMILY: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "residential": {
        STRENGTHS: (
            "Đảng viên gương mẫu, phụ trách hộ gia đình, nắm chắc tình hình Nhân dân.",
            "Nhân dân tự nguyện hiến đất, góp ngày công làm đường giao thông.",
            "Phát huy tốt vai trò của Ban công tác Mặt trận và các chi hội đoàn thể ở khu dân cư.",
            "Tình hình an ninh trật tự ổn định, không có vụ việc phức tạp kéo dài.",
        ),
        SHORTCOMINGS: (
            "Một số hộ chưa tích cực tham gia.",
            "Đảng viên cao tuổi nhiều, lực lượng nòng cốt trẻ còn mỏng.",
            "Việc phân loại rác tại nguồn chưa được duy trì thường xuyên.",
            "Một số tuyến đường hoa xuống cấp, thiếu người chăm sóc.",
        ),
        REQUESTS: (
            "Đề nghị phường hỗ trợ xi măng làm đường ngõ xóm.",
            "Đề nghị lắp thêm camera an ninh tại các tuyến đường trọng điểm.",
            "Đề nghị sớm giải quyết dứt điểm việc cấp giấy chứng nhận quyền sử dụng đất cho các hộ.",
        ),
    },
    "agency": {
        STRENGTHS: (
            "Cán bộ, công chức, viên chức có tinh thần trách nhiệm, gần dân, sát dân.",
            "Gắn phong trào thi đua “Dân vận khéo” với nhiệm vụ chuyên môn của cơ quan, đơn vị.",
            "Ứng dụng công nghệ thông tin, chuyển đổi số trong phục vụ Nhân dân.",
        ),
        SHORTCOMINGS: (
            "Khối lượng công việc chuyên môn lớn, thời gian dành cho mô hình còn ít.",
            "Cơ sở vật chất, trang thiết bị còn thiếu.",
            "Việc tuyên truyền kết quả mô hình chưa thường xuyên.",
        ),
        REQUESTS: (
            "Đề nghị bổ sung trang thiết bị phục vụ Nhân dân.",
            "Đề nghị cấp trên quan tâm khen thưởng kịp thời các điển hình.",
        ),
    },
    "armed": {
        STRENGTHS: (
            "Lực lượng vũ trang phường phối hợp chặt chẽ với các khu dân cư, bám địa bàn.",
            "Phát huy phong trào toàn dân bảo vệ an ninh Tổ quốc, Nhân dân tích cực cung cấp tin báo.",
            "Hoàn thành tốt nhiệm vụ quân sự, quốc phòng địa phương; giúp dân khi thiên tai.",
        ),
        SHORTCOMINGS: (
            "Quân số mỏng, địa bàn rộng, nhiệm vụ nhiều.",
            "Một số tổ an ninh tự quản hoạt động chưa đều.",
        ),
        REQUESTS: (
            "Đề nghị hỗ trợ kinh phí lắp đặt, duy trì camera an ninh.",
            "Đề nghị hỗ trợ trang phục, phương tiện cho lực lượng dân quân, tổ an ninh tự quản.",
        ),
    },
    "organisation": {
        STRENGTHS: (
            "Tập hợp, đoàn kết được đông đảo hội viên, đoàn viên tham gia.",
            "Nội dung, hình thức tập hợp hội viên đổi mới, thiết thực.",
            "Phối hợp chặt chẽ với chi bộ, ban điều hành khu phố, thôn.",
        ),
        SHORTCOMINGS: (
            "Một số chi hội hoạt động còn lúng túng, chưa chủ động.",
            "Hội viên, đoàn viên đi làm ăn xa nhiều, khó tập hợp.",
            "Nguồn vốn hỗ trợ hội viên phát triển kinh tế còn ít.",
        ),
        REQUESTS: (
            "Đề nghị phường hỗ trợ nguồn vốn cho hội viên vay phát triển kinh tế.",
            "Đề nghị tổ chức tham quan, học tập mô hình hay ở địa phương khác.",
        ),
    },
}


def statements(rng: random.Random, family: str) -> dict[str, str]:
    """What a unit of ``family`` writes under each question: one sentence, or nothing."""
    written: dict[str, str] = {}
    for key, empty in EMPTY.items():
        pool = COMMON[key] + BY_FAMILY[family][key]
        # One statement a cell: intake collapses a cell's line breaks, so a list would read as one.
        written[key] = "" if rng.random() < empty else rng.choice(pool)
    return written


# --------------------------------------------------------------------------- a model's description

GOALS = (
    "100% hộ gia đình tham gia; giảm 50% vụ việc phát sinh so với năm trước.",
    "Ít nhất 80% hộ gia đình tham gia; duy trì hoạt động hằng tháng.",
    "Mỗi năm có thêm ít nhất 10 hộ tham gia; không để phát sinh điểm nóng.",
    "Hoàn thành 100% chỉ tiêu được giao; Nhân dân hài lòng.",
)
METHODS = (
    "Họp dân bàn bạc, phân công đảng viên phụ trách, kiểm tra định kỳ hằng tháng.",
    "Tuyên truyền qua loa truyền thanh, nhóm Zalo; phân công từng tổ phụ trách.",
    "Xây dựng quy chế hoạt động, sơ kết 6 tháng, biểu dương cá nhân tiêu biểu.",
    "Phối hợp với Mặt trận và các đoàn thể; huy động Nhân dân đóng góp ngày công.",
)
RESULTS = (
    "Mô hình duy trì đều đặn, được Nhân dân đồng tình hưởng ứng.",
    "Nhân dân tích cực tham gia, tình hình địa bàn chuyển biến rõ nét.",
    "Đạt và vượt các chỉ tiêu đề ra; nhiều khu dân cư khác đến học tập.",
    "Bước đầu có hiệu quả, cần tiếp tục duy trì và nhân rộng.",
)
