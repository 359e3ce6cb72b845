"""The Vietnamese syllables office texts use most: a tie-breaker for legacy text.

A word such as "tháng" reads as Vietnamese in Unicode and, as TCVN3, as
"thỏng"; "Löu" is "Lưu" in VNI and "Lửu" in TCVN3. Both readings are
well-formed syllables (:func:`app.core.syllables.is_syllable`), so form alone
cannot choose. The common syllables below (lower case, NFC) can: a reading
made of them is the one an office wrote. Language facts only, no encoding.
"""

from __future__ import annotations

import re

from app.core.text import nfc

__all__ = ["COMMON_SYLLABLES", "all_common"]

_WORDS = """
a à á ả ai an anh ánh ba bà bác bài bản bàn bảo báo bằng bắt bậc bấy bé bên bị biên biến
biết biểu bình bó bộ bồi bổ bố bởi bước bưu ca các cách cải cam cán cảnh cao cáo cạnh cấp
cầu cần cận cập cấu cây chi chí chỉ chia chiến chiều chính chịu cho chọn chống chồng chủ
chú chung chúng chuyên chuyển chức chưa chương chất chế chỉnh chặt có con còn công cộng
cơ cở cũng cùng cụ cục cụm cứ cứu của cuối cuộc cung cường cử cư danh dành dân dẫn dịch
dịp do doanh dục dụng dung dựng dự dưới dương dưỡng duy đại đảm đang đáng đánh đảng đào
đạo đạt đâu đầu đầy đấu đây để đề đến đều đi địa điểm điều đình định đó đoàn đội đối đổi
đồng đông đơn đợt đủ đúng đua đưa được đường gia giá giải giám giản giao giáo giảm giành
giới giờ giữa giữ gì gỡ góp gồm gửi hai hàng hành hạn hãy hạng hạnh hát hay hằng hậu hết hiện
hiệu hình họ hồ hoá hóa hoà hòa hoạch hoạt học hỏi hội hơn hợp hưởng hướng huy huyện hữu
khá khác khai kháng khẩn khăn khen khi khích khỏe khoa khoản khoảng khó khối không khu
khuyến khuyết kịp kiểm kiến kiện kinh kỳ kỷ kế kết kết kêu kiệm ký kỹ lại làm lãnh lao
lần lập lâu lên lệ liên liệu loại lòng lớn lợi lục lúc luận luật lưu lượng lực lý mái mạnh
mặt mẫu mấy mình minh mọi môi mới mỗi một mục mức mười năm nào nay này nắm nâng nền nêu
nếu nghề nghị nghiệp nghiên nghĩa ngoài ngày ngành nguyên người nhà nhân nhận nhất nhằm
nhau nhiều nhiệm nhiệt như nhưng những nhỏ nhóm nội nông nơi nước nữ nữa ổn ở phải phạm
phần phát phí phía phó phong phòng phố phối phổ phù phúc phục phụ phương quả quan quản
quán quang quát qua quân quốc quy quý quyền quyết rà rằng rõ rộng rất riêng sách sáng sản
sau sẽ sinh số sở sống sơ sử sự sức tác tài tại tạo tăng tâm tầm tập tế tên theo thể thêm
tháng thế thị thiện thiết thiếu thi thì thời thông thống thu thú thủ thuật thuộc thực thưởng
thường thương thứ thức tích tiến tiếp tiết tiêu tiền tin tình tỉ tỉnh tính toàn tới tổ tốt
tổng trách trang trên trị triển trình trò trong trọng trở trợ trung trước trực trường
truyền tú tuy tuyên tư tự từ tục tuổi tuyến tượng ứng ưu vai văn vào vấn vận về vệ vì
viên viện việc vị vốn vụ vực vững vừa vùng vui với xã xây xét xuất xuyên xử ý yêu yếu
"""

#: The syllables, lower case and NFC.
COMMON_SYLLABLES: frozenset[str] = frozenset(nfc(word) for word in _WORDS.split())

_WORD = re.compile(r"[^\W\d_]+")


def all_common(text: str) -> bool:
    """Whether ``text`` holds a word and every word of it is a common syllable."""
    words = _WORD.findall(nfc(text).lower())
    return bool(words) and all(word in COMMON_SYLLABLES for word in words)
