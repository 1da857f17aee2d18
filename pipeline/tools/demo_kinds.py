"""Demo data by kind of unit: what a police unit, a school or a residential party cell builds.

A unit's kind comes from its name ("Công an", "Trường", "Hội Nông dân", …), else from its group
(config/units.yaml). Each kind has its models (name, field), the people's positions, the groups its
collective exemplars are, its model's target group and what its exemplars achieved. A model name
may hold ``{place}``: a residential area of the ward (the unit's own, for a residential party
cell). Fields are the standard four of config/template.yaml; the demo drops any a ward's config
does not list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..config import Unit

ECONOMY = "Kinh tế"
SOCIETY = "Văn hóa - xã hội"
SECURITY = "Quốc phòng - an ninh"
POLITICS = "Xây dựng hệ thống chính trị"
RESIDENTIAL = "khu-dan-cu"


@dataclass(frozen=True)
class Kind:
    """What units of one kind build and who works in them."""

    models: tuple[tuple[str, str], ...]
    positions: tuple[str, ...]
    collectives: tuple[str, ...]
    target: str
    achievements: tuple[str, ...]
    family: str  # the statements' pool: residential, agency, armed or organisation
    female: bool = False  # its people are women (the Women's Union)


# Markers in a unit's name, looked for in this order; then the unit's group.
NAME_MARKERS = (
    ("Công an", "cong-an"),
    ("Quân sự", "quan-su"),
    ("Trường", "truong"),
    ("Y tế", "y-te"),
    ("Ủy ban nhân dân", "chinh-quyen"),
    ("Mặt trận", "mat-tran"),
    ("Phụ nữ", "phu-nu"),
    ("Thanh niên", "thanh-nien"),
    ("Nông dân", "nong-dan"),
    ("Cựu chiến binh", "cuu-chien-binh"),
    ("Công đoàn", "cong-doan"),
)
GROUP_KINDS = {RESIDENTIAL: RESIDENTIAL, "co-quan": "co-quan", "dang-bo": "co-quan", "mttq-doan-the": "mat-tran"}


def unit_kind(unit: Unit) -> str:
    """The kind of ``unit``: by a marker in its name, else by its group (residential by default)."""
    folded = unit.name.casefold()
    for marker, kind in NAME_MARKERS:
        if marker.casefold() in folded:
            return kind
    return GROUP_KINDS.get(unit.group, RESIDENTIAL)


_ORGANISATION_POSITIONS = ("Chủ tịch Hội", "Phó Chủ tịch Hội", "Chi hội trưởng", "Hội viên")

KINDS: Mapping[str, Kind] = {
    RESIDENTIAL: Kind(
        models=(
            ("Tổ hợp tác trồng rau an toàn", ECONOMY),
            ("Vận động hộ nghèo vay vốn chăn nuôi bò sinh sản", ECONOMY),
            ("Bê tông hóa đường ngõ xóm – Nhà nước và Nhân dân cùng làm", ECONOMY),
            ("Tuyến đường hoa, cây xanh sạch đẹp", SOCIETY),
            ("Phân loại rác thải sinh hoạt tại nguồn", SOCIETY),
            ("Ngày Chủ nhật xanh", SOCIETY),
            ("Thắp sáng đường quê", SOCIETY),
            ("Tủ sách khuyến học dòng họ", SOCIETY),
            ("Camera an ninh khu dân cư", SECURITY),
            ("Tổ an ninh tự quản", SECURITY),
            ("Khu dân cư không có tội phạm và tệ nạn ma túy", SECURITY),
            ("Dân vận khéo vận động hiến đất mở rộng đường giao thông", POLITICS),
            ("Đảng viên phụ trách hộ gia đình", POLITICS),
            ("Đối thoại định kỳ giữa bí thư chi bộ với Nhân dân", POLITICS),
        ),
        positions=("Bí thư chi bộ", "Phó Bí thư chi bộ", "Trưởng ban công tác Mặt trận", "Chi hội trưởng Phụ nữ"),
        collectives=("Tổ hòa giải", "Tổ an ninh trật tự", "Chi hội Cựu chiến binh", "Tổ tự quản vệ sinh môi trường"),
        target="Hộ gia đình trong khu dân cư",
        achievements=(
            "Vận động 12 hộ hiến đất mở rộng đường, không phát sinh khiếu nại.",
            "Hòa giải thành 5 vụ mâu thuẫn trong Nhân dân, không để phát sinh đơn thư vượt cấp.",
            "Tích cực vận động Nhân dân phân loại rác, giữ gìn vệ sinh môi trường.",
        ),
        family="residential",
    ),
    "cong-an": Kind(
        models=(
            ("Camera an ninh – mắt thần khu dân cư {place}", SECURITY),
            ("Tổ an ninh tự quản {place}", SECURITY),
            ("Tổ liên gia an toàn phòng cháy, chữa cháy – {place}", SECURITY),
            ("Nhóm Zalo “Công an phường với Nhân dân” tiếp nhận tin báo", SECURITY),
            ("Hướng dẫn Nhân dân kích hoạt định danh điện tử VNeID tại nhà", SECURITY),
            ("Gia đình không có người vi phạm pháp luật", SECURITY),
        ),
        positions=("Trưởng Công an phường", "Phó Trưởng Công an phường", "Cảnh sát khu vực", "Cán bộ Công an phường"),
        collectives=("Tổ Cảnh sát khu vực", "Tổ tuần tra đêm"),
        target="Nhân dân trên địa bàn phường",
        achievements=(
            "Phối hợp Nhân dân phát hiện, bắt giữ 3 vụ trộm cắp tài sản.",
            "Hướng dẫn hơn 800 người dân kích hoạt tài khoản định danh điện tử.",
        ),
        family="armed",
    ),
    "quan-su": Kind(
        models=(
            ("Dân quân giúp dân phòng, chống lụt bão – {place}", SECURITY),
            ("Tuyển quân công khai, đúng luật, đủ chỉ tiêu", SECURITY),
            ("Hậu phương vững chắc – chăm lo gia đình quân nhân tại ngũ", SECURITY),
            ("Trung đội dân quân cơ động sẵn sàng giúp dân", SECURITY),
            ("Tuyên truyền Luật Nghĩa vụ quân sự đến từng hộ gia đình", SECURITY),
        ),
        positions=("Chỉ huy trưởng Ban Chỉ huy Quân sự phường", "Chính trị viên", "Thôn đội trưởng", "Dân quân"),
        collectives=("Trung đội dân quân cơ động", "Tổ dân quân thường trực"),
        target="Thanh niên trong độ tuổi, gia đình quân nhân",
        achievements=(
            "Giúp Nhân dân di dời tài sản, gia cố nhà cửa trong mùa mưa bão.",
            "Hoàn thành 100% chỉ tiêu giao quân, không có thanh niên bỏ ngũ.",
        ),
        family="armed",
    ),
    "truong": Kind(
        models=(
            ("Trường học xanh, sạch, đẹp, an toàn", SOCIETY),
            ("Tủ sách lớp học – khơi dậy văn hóa đọc", SOCIETY),
            ("Heo đất khuyến học giúp bạn nghèo", SOCIETY),
            ("Phụ huynh cùng nhà trường giữ an toàn giao thông cổng trường", SOCIETY),
            ("Câu lạc bộ kỹ năng sống cho học sinh", SOCIETY),
            ("Dạy bơi an toàn, phòng chống đuối nước cho học sinh", SOCIETY),
        ),
        positions=("Hiệu trưởng", "Phó Hiệu trưởng", "Tổ trưởng chuyên môn", "Giáo viên"),
        collectives=("Tổ chuyên môn Ngữ văn", "Tổ Khoa học tự nhiên", "Liên đội"),
        target="Học sinh, phụ huynh học sinh",
        achievements=(
            "Vận động phụ huynh đóng góp xây dựng sân chơi cho học sinh.",
            "Kèm cặp học sinh yếu, không có học sinh bỏ học giữa chừng.",
        ),
        family="agency",
    ),
    "y-te": Kind(
        models=(
            ("Trạm y tế thân thiện với người dân", SOCIETY),
            ("Khám sức khỏe định kỳ tại nhà cho người cao tuổi", SOCIETY),
            ("Diệt lăng quăng, phòng chống sốt xuất huyết tại hộ gia đình – {place}", SOCIETY),
            ("Tiêm chủng đủ mũi, đúng lịch cho trẻ em", SOCIETY),
            ("Tư vấn dinh dưỡng cho trẻ dưới 5 tuổi", SOCIETY),
        ),
        positions=("Trạm trưởng", "Y sĩ", "Điều dưỡng", "Nhân viên y tế thôn"),
        collectives=("Tổ tiêm chủng", "Tổ y tế dự phòng"),
        target="Người cao tuổi, trẻ em, người dân trên địa bàn",
        achievements=("Khám, cấp thuốc miễn phí cho hơn 300 người cao tuổi.", "Không để dịch sốt xuất huyết lây lan."),
        family="agency",
    ),
    "chinh-quyen": Kind(
        models=(
            ("Một cửa thân thiện, giải quyết thủ tục đúng hẹn", POLITICS),
            ("Công chức đến nhà hướng dẫn dịch vụ công trực tuyến", POLITICS),
            ("Tiếp công dân vào sáng thứ Bảy", POLITICS),
            ("Chủ tịch phường đối thoại với Nhân dân hằng quý", POLITICS),
            ("Hỗ trợ hộ kinh doanh thanh toán không dùng tiền mặt", ECONOMY),
        ),
        positions=(
            "Chủ tịch UBND phường",
            "Phó Chủ tịch UBND phường",
            "Công chức Văn phòng",
            "Công chức Tư pháp - Hộ tịch",
        ),
        collectives=("Bộ phận Một cửa phường", "Tổ công nghệ số cộng đồng"),
        target="Người dân, hộ kinh doanh có thủ tục hành chính",
        achievements=(
            "Giải quyết 100% hồ sơ đúng hẹn, không có hồ sơ trễ.",
            "Hướng dẫn người dân nộp hồ sơ trực tuyến.",
        ),
        family="agency",
    ),
    "co-quan": Kind(
        models=(
            ("Cán bộ cơ quan phụ trách khu dân cư", POLITICS),
            ("Số hóa hồ sơ đảng viên", POLITICS),
            ("Đảng viên gương mẫu nơi cư trú", POLITICS),
            ("Cơ quan văn hóa – nói không với rác thải nhựa", SOCIETY),
        ),
        positions=("Chánh Văn phòng Đảng ủy", "Chuyên viên Ban Xây dựng Đảng", "Phó Chủ tịch Ủy ban MTTQ phường"),
        collectives=("Văn phòng Đảng ủy phường", "Ban Xây dựng Đảng"),
        target="Cán bộ, đảng viên, Nhân dân nơi cư trú",
        achievements=("Gương mẫu thực hiện nhiệm vụ, tích cực tham gia sinh hoạt nơi cư trú.",),
        family="agency",
    ),
    "mat-tran": Kind(
        models=(
            ("Mặt trận lắng nghe Nhân dân qua nhóm Zalo khu dân cư", POLITICS),
            ("Mái ấm Đại đoàn kết cho hộ nghèo", SOCIETY),
            ("Giám sát cộng đồng công trình xây dựng – {place}", POLITICS),
            ("Khu dân cư tự quản an toàn thực phẩm – {place}", SOCIETY),
        ),
        positions=("Chủ tịch Ủy ban MTTQ phường", "Phó Chủ tịch Ủy ban MTTQ phường", "Trưởng ban công tác Mặt trận"),
        collectives=("Ban công tác Mặt trận {place}", "Ban Thanh tra nhân dân {place}"),
        target="Nhân dân, hộ nghèo, hộ cận nghèo",
        achievements=(
            "Vận động xây dựng 4 nhà Đại đoàn kết cho hộ nghèo.",
            "Tập hợp ý kiến, kiến nghị của cử tri kịp thời.",
        ),
        family="organisation",
    ),
    "phu-nu": Kind(
        models=(
            ("Tổ phụ nữ tiết kiệm giúp nhau phát triển kinh tế", ECONOMY),
            ("Phụ nữ khởi nghiệp với sản phẩm OCOP", ECONOMY),
            ("Gia đình 5 không, 3 sạch – {place}", SOCIETY),
            ("Mẹ đỡ đầu trẻ em mồ côi", SOCIETY),
            ("Câu lạc bộ phòng, chống bạo lực gia đình – {place}", SOCIETY),
        ),
        positions=("Chủ tịch Hội Phụ nữ phường", "Phó Chủ tịch Hội", "Chi hội trưởng Phụ nữ", "Hội viên"),
        collectives=("Chi hội Phụ nữ {place}", "Tổ phụ nữ tiết kiệm {place}"),
        target="Hội viên phụ nữ, trẻ em có hoàn cảnh khó khăn",
        achievements=(
            "Giúp 6 hội viên vay vốn không lãi, 3 hộ thoát nghèo.",
            "Nhận đỡ đầu 2 trẻ mồ côi đến năm 18 tuổi.",
        ),
        family="organisation",
        female=True,
    ),
    "thanh-nien": Kind(
        models=(
            ("Thanh niên hỗ trợ người dân dịch vụ công trực tuyến", POLITICS),
            ("Thanh niên khởi nghiệp, lập nghiệp tại quê nhà", ECONOMY),
            ("Ngày thứ Bảy tình nguyện", SOCIETY),
            ("Tuyến đường thanh niên tự quản – {place}", SOCIETY),
            ("Thanh niên xung kích giữ gìn an ninh trật tự", SECURITY),
        ),
        positions=("Bí thư Đoàn phường", "Phó Bí thư Đoàn phường", "Bí thư Chi đoàn", "Đoàn viên"),
        collectives=("Chi đoàn {place}", "Đội thanh niên tình nguyện"),
        target="Đoàn viên, thanh niên, người dân",
        achievements=("Hướng dẫn hơn 500 lượt người dân nộp hồ sơ trực tuyến.", "Ra quân dọn vệ sinh, trồng cây xanh."),
        family="organisation",
    ),
    "nong-dan": Kind(
        models=(
            ("Chi hội nông dân liên kết tiêu thụ nông sản", ECONOMY),
            ("Cánh đồng lớn sản xuất lúa giống – {place}", ECONOMY),
            ("Tổ hợp tác chăn nuôi bò vỗ béo", ECONOMY),
            ("Nông dân thu gom bao bì thuốc bảo vệ thực vật", SOCIETY),
        ),
        positions=_ORGANISATION_POSITIONS,
        collectives=("Chi hội Nông dân {place}", "Tổ hợp tác trồng rau {place}"),
        target="Hội viên nông dân",
        achievements=("Sản xuất kinh doanh giỏi, tạo việc làm cho 8 lao động địa phương.",),
        family="organisation",
    ),
    "cuu-chien-binh": Kind(
        models=(
            ("Cựu chiến binh giúp nhau giảm nghèo bền vững", ECONOMY),
            ("Cựu chiến binh tham gia giữ gìn an ninh trật tự – {place}", SECURITY),
            ("Cựu chiến binh tham gia hòa giải ở cơ sở", POLITICS),
            ("Cựu chiến binh giáo dục truyền thống cho thế hệ trẻ", SOCIETY),
        ),
        positions=_ORGANISATION_POSITIONS,
        collectives=("Chi hội Cựu chiến binh {place}",),
        target="Hội viên cựu chiến binh, thanh thiếu niên",
        achievements=("Hòa giải thành nhiều vụ mâu thuẫn, giúp hội viên khó khăn làm nhà.",),
        family="organisation",
    ),
    "cong-doan": Kind(
        models=(
            ("Mái ấm công đoàn cho đoàn viên khó khăn", SOCIETY),
            ("Bữa cơm công đoàn", SOCIETY),
            ("Đối thoại định kỳ tại nơi làm việc", POLITICS),
            ("Công đoàn đồng hành chuyển đổi số", POLITICS),
        ),
        positions=("Chủ tịch Công đoàn phường", "Phó Chủ tịch Công đoàn", "Tổ trưởng công đoàn", "Đoàn viên công đoàn"),
        collectives=("Công đoàn cơ sở Trường Mầm non Bình Định", "Tổ công đoàn Văn phòng"),
        target="Đoàn viên công đoàn, người lao động",
        achievements=("Vận động xây dựng 1 Mái ấm công đoàn cho đoàn viên khó khăn.",),
        family="organisation",
    ),
}
