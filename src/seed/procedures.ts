import { EntityManager } from 'typeorm';
import { formatDayNumber, parseLocalDate, WorkingCalendar } from '../domain/calendar';
import { AgencyKind, OnlineLevel, ProcedureLevel, ServiceCommitmentKind } from '../domain/enums';
import { Agency, Procedure, ServiceCommitment } from '../entities';
import { DEPARTMENTS, LOCAL_REFORM_DATE, MINISTRY_REFORM_DATE } from './agencies';
import { loadWorkingCalendar } from './calendar';
import { hash32, Rng } from './random';
import { insertRows } from './sql';

/**
 * The demo catalogue of administrative procedures (thủ tục hành chính): ~200 procedures with
 * national-style codes, real Vietnamese names and fields, level and legal processing time as
 * data; fee, online level and publication drawn from the seed's random stream.
 */

export interface FieldInfo {
  /** Ministry in charge before / after 1 March 2025 (it announces the procedures). */
  ministry: string;
  ministryAfter?: string;
  /** Relative popularity of the field's procedures (dossier volume). */
  popularity: number;
  /** Probability that a procedure of the field carries a fee. */
  feeShare: number;
  /** Share of FULL online procedures. */
  fullOnline: number;
  /** Share of applicants that are businesses. */
  business: number;
}

export const FIELDS: Readonly<Record<string, FieldInfo>> = {
  'Hộ tịch': { ministry: 'BTP', popularity: 12, feeShare: 0.3, fullOnline: 0.6, business: 0 },
  'Chứng thực': { ministry: 'BTP', popularity: 14, feeShare: 0.95, fullOnline: 0.3, business: 0.1 },
  'Lý lịch tư pháp': { ministry: 'BTP', popularity: 4, feeShare: 0.9, fullOnline: 0.8, business: 0 },
  'Quốc tịch': { ministry: 'BTP', popularity: 0.3, feeShare: 0.8, fullOnline: 0.1, business: 0 },
  'Công chứng': { ministry: 'BTP', popularity: 0.5, feeShare: 0.9, fullOnline: 0.3, business: 0.6 },
  'Luật sư': { ministry: 'BTP', popularity: 0.4, feeShare: 0.7, fullOnline: 0.4, business: 0.5 },
  'Đấu giá tài sản': { ministry: 'BTP', popularity: 0.3, feeShare: 0.7, fullOnline: 0.4, business: 0.8 },
  'Trọng tài thương mại': { ministry: 'BTP', popularity: 0.2, feeShare: 0.8, fullOnline: 0.3, business: 0.9 },
  'Trợ giúp pháp lý': { ministry: 'BTP', popularity: 0.5, feeShare: 0, fullOnline: 0.5, business: 0 },
  'Hòa giải cơ sở': { ministry: 'BTP', popularity: 0.4, feeShare: 0, fullOnline: 0.3, business: 0 },
  'Đăng ký biện pháp bảo đảm': { ministry: 'BTP', popularity: 2, feeShare: 0.9, fullOnline: 0.7, business: 0.4 },
  'Cư trú': { ministry: 'BCA', popularity: 10, feeShare: 0.5, fullOnline: 0.75, business: 0 },
  'Căn cước': { ministry: 'BCA', popularity: 6, feeShare: 0.5, fullOnline: 0.4, business: 0 },
  'Xuất nhập cảnh': { ministry: 'BCA', popularity: 4, feeShare: 1, fullOnline: 0.6, business: 0.05 },
  'Đăng ký, quản lý phương tiện giao thông': { ministry: 'BCA', popularity: 4, feeShare: 1, fullOnline: 0.5, business: 0.2 },
  'Quản lý ngành nghề kinh doanh có điều kiện': { ministry: 'BCA', popularity: 0.5, feeShare: 0.8, fullOnline: 0.4, business: 0.9 },
  Thuế: { ministry: 'BTC', popularity: 5, feeShare: 0.05, fullOnline: 0.9, business: 0.7 },
  'Hải quan': { ministry: 'BTC', popularity: 4, feeShare: 0.4, fullOnline: 0.9, business: 0.95 },
  'Tài chính': { ministry: 'BTC', popularity: 0.8, feeShare: 0.3, fullOnline: 0.6, business: 0.6 },
  'Đầu tư': { ministry: 'BKHDT', ministryAfter: 'BTC', popularity: 1, feeShare: 0.3, fullOnline: 0.5, business: 0.95 },
  'Doanh nghiệp': { ministry: 'BKHDT', ministryAfter: 'BTC', popularity: 4, feeShare: 0.9, fullOnline: 0.85, business: 0.95 },
  'Hộ kinh doanh': { ministry: 'BKHDT', ministryAfter: 'BTC', popularity: 3, feeShare: 0.9, fullOnline: 0.7, business: 0.3 },
  'Hợp tác xã': { ministry: 'BKHDT', ministryAfter: 'BTC', popularity: 0.4, feeShare: 0.9, fullOnline: 0.5, business: 0.9 },
  'Xây dựng': { ministry: 'BXD', popularity: 2.5, feeShare: 0.8, fullOnline: 0.4, business: 0.4 },
  'Nhà ở': { ministry: 'BXD', popularity: 0.8, feeShare: 0.4, fullOnline: 0.3, business: 0.4 },
  'Giao thông': { ministry: 'BGTVT', ministryAfter: 'BXD', popularity: 5, feeShare: 0.9, fullOnline: 0.6, business: 0.25 },
  'Đường thủy nội địa': { ministry: 'BGTVT', ministryAfter: 'BXD', popularity: 0.4, feeShare: 0.9, fullOnline: 0.4, business: 0.5 },
  'Hàng hải': { ministry: 'BGTVT', ministryAfter: 'BXD', popularity: 0.5, feeShare: 1, fullOnline: 0.6, business: 0.95 },
  'Đất đai': { ministry: 'BTNMT', ministryAfter: 'BNNMT', popularity: 9, feeShare: 0.75, fullOnline: 0.25, business: 0.1 },
  'Môi trường': { ministry: 'BTNMT', ministryAfter: 'BNNMT', popularity: 0.8, feeShare: 0.6, fullOnline: 0.4, business: 0.9 },
  'Tài nguyên nước': { ministry: 'BTNMT', ministryAfter: 'BNNMT', popularity: 0.3, feeShare: 0.8, fullOnline: 0.4, business: 0.9 },
  'Khoáng sản': { ministry: 'BTNMT', ministryAfter: 'BNNMT', popularity: 0.2, feeShare: 0.9, fullOnline: 0.3, business: 0.95 },
  'Nông nghiệp': { ministry: 'BNNPTNT', ministryAfter: 'BNNMT', popularity: 1, feeShare: 0.4, fullOnline: 0.5, business: 0.5 },
  'Thủy sản': { ministry: 'BNNPTNT', ministryAfter: 'BNNMT', popularity: 0.6, feeShare: 0.6, fullOnline: 0.5, business: 0.4 },
  'Thú y': { ministry: 'BNNPTNT', ministryAfter: 'BNNMT', popularity: 0.6, feeShare: 0.8, fullOnline: 0.6, business: 0.7 },
  'Y tế': { ministry: 'BYT', popularity: 1.5, feeShare: 0.9, fullOnline: 0.4, business: 0.5 },
  Dược: { ministry: 'BYT', popularity: 1, feeShare: 0.9, fullOnline: 0.5, business: 0.7 },
  'An toàn thực phẩm': { ministry: 'BYT', popularity: 1, feeShare: 0.9, fullOnline: 0.6, business: 0.8 },
  'Trang thiết bị y tế': { ministry: 'BYT', popularity: 0.5, feeShare: 1, fullOnline: 0.8, business: 1 },
  'Giáo dục': { ministry: 'BGDDT', popularity: 1.5, feeShare: 0.2, fullOnline: 0.5, business: 0.2 },
  'Giáo dục nghề nghiệp': { ministry: 'BLDTBXH', ministryAfter: 'BGDDT', popularity: 0.3, feeShare: 0.3, fullOnline: 0.4, business: 0.7 },
  'Lao động': { ministry: 'BLDTBXH', ministryAfter: 'BNV', popularity: 1.5, feeShare: 0.5, fullOnline: 0.6, business: 0.8 },
  'Việc làm': { ministry: 'BLDTBXH', ministryAfter: 'BNV', popularity: 1.5, feeShare: 0, fullOnline: 0.5, business: 0.1 },
  'Người có công': { ministry: 'BLDTBXH', ministryAfter: 'BNV', popularity: 0.8, feeShare: 0, fullOnline: 0.2, business: 0 },
  'Bảo trợ xã hội': { ministry: 'BLDTBXH', ministryAfter: 'BNV', popularity: 2, feeShare: 0, fullOnline: 0.4, business: 0 },
  'Nội vụ': { ministry: 'BNV', popularity: 0.3, feeShare: 0, fullOnline: 0.3, business: 0.3 },
  'Thi đua, khen thưởng': { ministry: 'BNV', popularity: 0.4, feeShare: 0, fullOnline: 0.3, business: 0.3 },
  'Tôn giáo': { ministry: 'BNV', ministryAfter: 'BDTTG', popularity: 0.2, feeShare: 0, fullOnline: 0.2, business: 0.2 },
  'Dân tộc': { ministry: 'UBDT', ministryAfter: 'BDTTG', popularity: 0.1, feeShare: 0, fullOnline: 0.2, business: 0 },
  'Công thương': { ministry: 'BCT', popularity: 1, feeShare: 0.9, fullOnline: 0.6, business: 0.9 },
  'Điện lực': { ministry: 'BCT', popularity: 0.3, feeShare: 0.9, fullOnline: 0.5, business: 1 },
  'Xuất nhập khẩu': { ministry: 'BCT', popularity: 1.5, feeShare: 0.3, fullOnline: 0.95, business: 1 },
  'Văn hóa': { ministry: 'BVHTTDL', popularity: 0.6, feeShare: 0.8, fullOnline: 0.4, business: 0.7 },
  'Du lịch': { ministry: 'BVHTTDL', popularity: 0.5, feeShare: 0.9, fullOnline: 0.5, business: 0.8 },
  'Thể thao': { ministry: 'BVHTTDL', popularity: 0.3, feeShare: 0.8, fullOnline: 0.4, business: 0.8 },
  'Khoa học và công nghệ': { ministry: 'BKHCN', popularity: 0.4, feeShare: 0.5, fullOnline: 0.5, business: 0.8 },
  'Sở hữu trí tuệ': { ministry: 'BKHCN', popularity: 1, feeShare: 1, fullOnline: 0.8, business: 0.8 },
  'Thông tin và truyền thông': { ministry: 'BTTTT', ministryAfter: 'BKHCN', popularity: 0.4, feeShare: 0.8, fullOnline: 0.6, business: 0.9 },
  'Lãnh sự': { ministry: 'BNG', popularity: 2, feeShare: 1, fullOnline: 0.6, business: 0.2 },
  'Quốc phòng': { ministry: 'BQP', popularity: 0.8, feeShare: 0, fullOnline: 0.2, business: 0 },
  'Ngân hàng': { ministry: 'NHNN', popularity: 0.5, feeShare: 0.5, fullOnline: 0.5, business: 1 },
  'Khiếu nại, tố cáo': { ministry: 'TTCP', popularity: 0.3, feeShare: 0, fullOnline: 0.1, business: 0.1 },
  'Tiếp công dân': { ministry: 'TTCP', popularity: 0.3, feeShare: 0, fullOnline: 0.05, business: 0 },
  'Kiểm soát thủ tục hành chính': { ministry: 'VPCP', popularity: 0.3, feeShare: 0, fullOnline: 0.9, business: 0.3 },
};

type LevelLetter = 'T' | 'P' | 'D' | 'C';
/** [name, level (T = central, P = province, D = district, C = commune), legal processing days, fixed code?] */
type Entry = readonly [string, LevelLetter, number, string?];

/** The catalogue, by field. */
export const CATALOGUE: Readonly<Record<string, readonly Entry[]>> = {
  'Hộ tịch': [
    ['Đăng ký khai sinh', 'C', 0, '1.001193'],
    ['Đăng ký kết hôn', 'C', 0, '1.000894'],
    ['Đăng ký khai tử', 'C', 0, '1.000656'],
    ['Đăng ký nhận cha, mẹ, con', 'C', 3],
    ['Đăng ký khai sinh kết hợp nhận cha, mẹ, con', 'C', 3],
    ['Đăng ký lại khai sinh', 'C', 5],
    ['Đăng ký lại kết hôn', 'C', 5],
    ['Đăng ký lại khai tử', 'C', 5],
    ['Đăng ký giám hộ', 'C', 3],
    ['Đăng ký chấm dứt giám hộ', 'C', 2],
    ['Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch', 'C', 3, '1.004227'],
    ['Cấp Giấy xác nhận tình trạng hôn nhân', 'C', 3],
    ['Cấp bản sao Trích lục hộ tịch', 'C', 0],
    ['Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân', 'C', 5],
    ['Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi', 'C', 5],
    ['Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất, trợ cấp mai táng', 'C', 5],
    ['Đăng ký khai sinh có yếu tố nước ngoài', 'D', 3],
    ['Đăng ký kết hôn có yếu tố nước ngoài', 'D', 10],
    ['Đăng ký khai tử có yếu tố nước ngoài', 'D', 3],
    ['Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài', 'D', 15],
    ['Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài', 'D', 5],
    ['Ghi vào Sổ hộ tịch việc ly hôn, hủy việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài', 'D', 5],
    ['Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc', 'D', 3],
  ],
  'Chứng thực': [
    ['Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp hoặc chứng nhận', 'C', 0, '2.000815'],
    ['Chứng thực chữ ký trong các giấy tờ, văn bản', 'C', 0],
    ['Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở', 'C', 2],
    ['Chứng thực văn bản thỏa thuận phân chia di sản', 'C', 2],
    ['Chứng thực văn bản khai nhận di sản', 'C', 2],
    ['Chứng thực di chúc', 'C', 2],
    ['Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch', 'C', 2],
    ['Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực', 'C', 2],
    ['Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của nước ngoài cấp', 'D', 0],
    ['Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật', 'D', 0],
    ['Chứng thực chữ ký người dịch mà người dịch không phải là cộng tác viên dịch thuật', 'D', 0],
  ],
  'Lý lịch tư pháp': [
    ['Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam', 'P', 10, '1.001612'],
    ['Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng', 'P', 10],
    ['Cấp Phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, tổ chức chính trị - xã hội', 'P', 10],
    ['Cấp Phiếu lý lịch tư pháp tại Trung tâm Lý lịch tư pháp quốc gia', 'T', 10],
  ],
  'Quốc tịch': [
    ['Nhập quốc tịch Việt Nam', 'P', 30],
    ['Thôi quốc tịch Việt Nam ở trong nước', 'P', 30],
    ['Xác nhận có quốc tịch Việt Nam ở trong nước', 'P', 5],
    ['Cấp Giấy xác nhận là người gốc Việt Nam ở trong nước', 'P', 5],
    ['Trở lại quốc tịch Việt Nam ở trong nước', 'T', 30],
  ],
  'Công chứng': [
    ['Thành lập Văn phòng công chứng', 'P', 20],
    ['Đăng ký hoạt động Văn phòng công chứng', 'P', 10],
    ['Đăng ký hành nghề và cấp Thẻ công chứng viên', 'P', 10],
    ['Bổ nhiệm công chứng viên', 'T', 20],
  ],
  'Luật sư': [
    ['Đăng ký hoạt động của tổ chức hành nghề luật sư', 'P', 10],
    ['Cấp Chứng chỉ hành nghề luật sư', 'T', 20],
    ['Cấp Giấy đăng ký hoạt động của Trung tâm tư vấn pháp luật', 'P', 10],
  ],
  'Đấu giá tài sản': [
    ['Đăng ký hoạt động doanh nghiệp đấu giá tài sản', 'P', 7],
    ['Cấp Thẻ đấu giá viên', 'T', 10],
  ],
  'Trọng tài thương mại': [
    ['Cấp Giấy phép thành lập Trung tâm trọng tài', 'T', 30],
    ['Đăng ký hoạt động Trung tâm trọng tài', 'P', 15],
  ],
  'Trợ giúp pháp lý': [['Yêu cầu trợ giúp pháp lý', 'P', 2]],
  'Hòa giải cơ sở': [
    ['Thực hiện hỗ trợ khi hòa giải viên gặp tai nạn hoặc rủi ro ảnh hưởng đến sức khỏe, tính mạng', 'C', 3],
    ['Công nhận tuyên truyền viên pháp luật', 'C', 3],
  ],
  'Đăng ký biện pháp bảo đảm': [
    ['Đăng ký biện pháp bảo đảm bằng quyền sử dụng đất, tài sản gắn liền với đất', 'P', 3],
    ['Xóa đăng ký biện pháp bảo đảm bằng quyền sử dụng đất, tài sản gắn liền với đất', 'P', 3],
    ['Đăng ký biện pháp bảo đảm bằng động sản tại Trung tâm Đăng ký giao dịch, tài sản', 'T', 1],
  ],
  'Cư trú': [
    ['Đăng ký thường trú', 'C', 7],
    ['Đăng ký tạm trú', 'C', 3],
    ['Xóa đăng ký thường trú', 'C', 1],
    ['Xóa đăng ký tạm trú', 'C', 1],
    ['Gia hạn tạm trú', 'C', 3],
    ['Khai báo tạm vắng', 'C', 1],
    ['Thông báo lưu trú', 'C', 0],
    ['Xác nhận thông tin về cư trú', 'C', 1],
    ['Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú', 'C', 3],
  ],
  'Căn cước': [
    ['Cấp thẻ căn cước cho công dân từ đủ 14 tuổi trở lên', 'T', 7],
    ['Cấp đổi thẻ căn cước', 'T', 7],
    ['Cấp lại thẻ căn cước', 'T', 7],
    ['Cấp giấy chứng nhận căn cước cho người gốc Việt Nam', 'T', 15],
  ],
  'Xuất nhập cảnh': [
    ['Cấp hộ chiếu phổ thông ở trong nước', 'T', 8],
    ['Cấp thị thực cho người nước ngoài tại Việt Nam', 'T', 5],
    ['Cấp thẻ tạm trú cho người nước ngoài tại Việt Nam', 'T', 5],
  ],
  'Đăng ký, quản lý phương tiện giao thông': [
    ['Đăng ký, cấp biển số xe lần đầu', 'T', 2],
    ['Đăng ký sang tên, di chuyển xe', 'T', 2],
    ['Thu hồi giấy chứng nhận đăng ký, biển số xe', 'T', 2],
  ],
  'Quản lý ngành nghề kinh doanh có điều kiện': [['Cấp Giấy chứng nhận đủ điều kiện về an ninh, trật tự', 'T', 5]],
  Thuế: [
    ['Đăng ký thuế lần đầu đối với người nộp thuế là tổ chức', 'T', 3],
    ['Đăng ký thuế lần đầu đối với người nộp thuế là cá nhân', 'T', 3],
    ['Khai thuế giá trị gia tăng', 'T', 0],
    ['Hoàn thuế giá trị gia tăng', 'T', 6],
    ['Khai quyết toán thuế thu nhập cá nhân', 'T', 0],
    ['Hoàn thuế thu nhập cá nhân', 'T', 6],
    ['Xác nhận việc thực hiện nghĩa vụ thuế', 'T', 5],
    ['Gia hạn nộp thuế', 'T', 5],
    ['Khai lệ phí trước bạ nhà, đất', 'T', 0],
    ['Đăng ký sử dụng hóa đơn điện tử', 'T', 1],
  ],
  'Hải quan': [
    ['Thủ tục hải quan đối với hàng hóa xuất khẩu, nhập khẩu thương mại', 'T', 0],
    ['Thủ tục hải quan đối với hàng hóa gia công với thương nhân nước ngoài', 'T', 0],
    ['Xác định trước mã số hàng hóa xuất khẩu, nhập khẩu', 'T', 30],
    ['Hoàn thuế đối với hàng hóa nhập khẩu phải tái xuất', 'T', 6],
    ['Công nhận doanh nghiệp ưu tiên', 'T', 30],
    ['Thủ tục hải quan đối với hành lý của người xuất cảnh, nhập cảnh', 'T', 0],
  ],
  'Tài chính': [
    ['Đăng ký mã số đơn vị có quan hệ với ngân sách', 'P', 2],
    ['Cấp Giấy chứng nhận đủ điều kiện kinh doanh dịch vụ thẩm định giá', 'T', 15],
    ['Quyết định giá thuộc thẩm quyền của Ủy ban nhân dân cấp tỉnh', 'P', 15],
  ],
  'Đầu tư': [
    ['Quyết định chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh', 'P', 30],
    ['Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận chủ trương đầu tư', 'P', 15],
    ['Điều chỉnh Giấy chứng nhận đăng ký đầu tư', 'P', 10],
    ['Chấm dứt hoạt động dự án đầu tư', 'P', 15],
    ['Giãn tiến độ đầu tư', 'P', 15],
    ['Thành lập văn phòng điều hành của nhà đầu tư nước ngoài trong hợp đồng BCC', 'P', 15],
    ['Cấp Giấy chứng nhận đăng ký đầu tư ra nước ngoài', 'T', 15],
  ],
  'Doanh nghiệp': [
    ['Đăng ký thành lập doanh nghiệp tư nhân', 'P', 3],
    ['Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên', 'P', 3],
    ['Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên', 'P', 3],
    ['Đăng ký thành lập công ty cổ phần', 'P', 3],
    ['Đăng ký thay đổi người đại diện theo pháp luật', 'P', 3],
    ['Đăng ký thay đổi vốn điều lệ', 'P', 3],
    ['Đăng ký thay đổi địa chỉ trụ sở chính', 'P', 3],
    ['Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo', 'P', 3],
    ['Giải thể doanh nghiệp', 'P', 5],
    ['Đăng ký hoạt động chi nhánh, văn phòng đại diện, địa điểm kinh doanh', 'P', 3],
    ['Cấp lại Giấy chứng nhận đăng ký doanh nghiệp', 'P', 3],
  ],
  'Hộ kinh doanh': [
    ['Đăng ký thành lập hộ kinh doanh', 'D', 3],
    ['Đăng ký thay đổi nội dung đăng ký hộ kinh doanh', 'D', 3],
    ['Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh', 'D', 3],
    ['Chấm dứt hoạt động hộ kinh doanh', 'D', 3],
  ],
  'Hợp tác xã': [
    ['Đăng ký thành lập hợp tác xã', 'D', 5],
    ['Đăng ký thay đổi tên, địa chỉ trụ sở chính của hợp tác xã', 'D', 5],
  ],
  'Xây dựng': [
    ['Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ', 'D', 15],
    ['Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ', 'D', 15],
    ['Cấp giấy phép di dời công trình', 'D', 15],
    ['Gia hạn giấy phép xây dựng', 'D', 5],
    ['Cấp lại giấy phép xây dựng', 'D', 5],
    ['Cung cấp thông tin về quy hoạch xây dựng', 'D', 15],
    ['Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II', 'P', 20],
    ['Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng', 'P', 30],
    ['Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở', 'P', 30],
    ['Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III', 'P', 20],
    ['Cấp chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III', 'P', 20],
    ['Kiểm tra công tác nghiệm thu hoàn thành công trình', 'P', 30],
    ['Cấp chứng chỉ hành nghề hoạt động xây dựng hạng I', 'T', 20],
  ],
  'Nhà ở': [
    ['Xác nhận đối tượng được hưởng chính sách hỗ trợ về nhà ở xã hội', 'C', 7],
    ['Công nhận chủ đầu tư dự án xây dựng nhà ở', 'P', 20],
    ['Thẩm định giá bán, giá thuê mua nhà ở xã hội', 'P', 30],
  ],
  'Giao thông': [
    ['Cấp đổi giấy phép lái xe', 'P', 5],
    ['Cấp lại giấy phép lái xe', 'P', 10],
    ['Cấp giấy phép lái xe quốc tế', 'P', 5],
    ['Cấp phù hiệu xe ô tô kinh doanh vận tải', 'P', 2],
    ['Cấp Giấy phép kinh doanh vận tải bằng xe ô tô', 'P', 5],
    ['Cấp giấy phép thi công công trình trên đường bộ đang khai thác', 'P', 7],
    ['Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn', 'P', 2],
    ['Chấp thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng giao thông đường bộ', 'P', 7],
    ['Đăng ký xe máy chuyên dùng lần đầu', 'P', 3],
    ['Cấp Giấy phép vận tải đường bộ quốc tế', 'T', 5],
  ],
  'Đường thủy nội địa': [
    ['Đăng ký phương tiện thủy nội địa lần đầu', 'P', 3],
    ['Đăng ký phương tiện thủy nội địa không có động cơ', 'D', 3],
  ],
  'Hàng hải': [['Đăng ký tàu biển Việt Nam', 'T', 3]],
  'Đất đai': [
    ['Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu', 'D', 20],
    ['Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển nhượng, tặng cho, thừa kế', 'D', 10],
    ['Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất', 'D', 7],
    ['Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất', 'D', 10],
    ['Tách thửa hoặc hợp thửa đất', 'D', 15],
    ['Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền đối với hộ gia đình, cá nhân', 'D', 15],
    ['Xóa đăng ký cho thuê, cho thuê lại, góp vốn bằng quyền sử dụng đất', 'D', 3],
    ['Đính chính Giấy chứng nhận đã cấp', 'D', 10],
    ['Giao đất, cho thuê đất cho hộ gia đình, cá nhân', 'D', 20],
    ['Hòa giải tranh chấp đất đai', 'C', 30],
    ['Xác nhận hộ gia đình, cá nhân đang trực tiếp sản xuất nông nghiệp', 'C', 5],
    ['Giao đất, cho thuê đất cho tổ chức', 'P', 20],
    ['Chuyển mục đích sử dụng đất đối với tổ chức', 'P', 20],
    ['Gia hạn sử dụng đất ngoài khu công nghệ cao, khu kinh tế', 'P', 7],
    ['Cung cấp dữ liệu đất đai', 'P', 2],
    ['Đăng ký biến động đất đai đối với tổ chức', 'P', 10],
  ],
  'Môi trường': [
    ['Đăng ký môi trường', 'C', 5],
    ['Cấp giấy phép môi trường cấp huyện', 'D', 15],
    ['Cấp giấy phép môi trường cấp tỉnh', 'P', 30],
    ['Thẩm định báo cáo đánh giá tác động môi trường cấp tỉnh', 'P', 30],
    ['Cấp giấy phép môi trường cấp Trung ương', 'T', 30],
    ['Thẩm định báo cáo đánh giá tác động môi trường cấp Trung ương', 'T', 30],
  ],
  'Tài nguyên nước': [['Cấp giấy phép khai thác nước dưới đất', 'P', 30]],
  'Khoáng sản': [
    ['Cấp giấy phép khai thác khoáng sản', 'P', 30],
    ['Cấp giấy phép thăm dò khoáng sản', 'T', 30],
  ],
  'Nông nghiệp': [
    ['Hỗ trợ khôi phục sản xuất nông nghiệp vùng bị thiệt hại do thiên tai, dịch bệnh', 'D', 15],
    ['Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông, lâm, thủy sản', 'P', 15],
    ['Cấp giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi', 'P', 7],
    ['Công nhận lưu hành giống cây trồng', 'T', 30],
    ['Cấp Giấy chứng nhận kiểm dịch thực vật nhập khẩu', 'T', 1],
  ],
  'Thủy sản': [
    ['Cấp giấy phép khai thác thủy sản', 'P', 6],
    ['Đăng ký tàu cá', 'P', 3],
  ],
  'Thú y': [
    ['Cấp Giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh', 'P', 1],
    ['Cấp Giấy chứng nhận đủ điều kiện vệ sinh thú y', 'P', 10],
  ],
  'Y tế': [
    ['Cấp giấy phép hành nghề khám bệnh, chữa bệnh', 'P', 20],
    ['Cấp giấy phép hoạt động đối với phòng khám đa khoa', 'P', 30],
    ['Cấp giấy phép hoạt động đối với phòng khám chuyên khoa', 'P', 30],
    ['Cấp lại giấy phép hành nghề khám bệnh, chữa bệnh', 'P', 10],
  ],
  Dược: [
    ['Cấp Chứng chỉ hành nghề dược', 'P', 20],
    ['Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược đối với nhà thuốc', 'P', 20],
    ['Cấp giấy đăng ký lưu hành thuốc', 'T', 30],
    ['Cấp giấy phép nhập khẩu thuốc', 'T', 15],
  ],
  'An toàn thực phẩm': [
    ['Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất thực phẩm', 'P', 15],
    ['Đăng ký bản công bố sản phẩm dinh dưỡng y học', 'P', 7],
    ['Cấp phiếu tiếp nhận hồ sơ công bố sản phẩm mỹ phẩm', 'P', 3],
  ],
  'Trang thiết bị y tế': [['Cấp số đăng ký lưu hành trang thiết bị y tế', 'T', 30]],
  'Giáo dục': [
    ['Cấp bản sao văn bằng, chứng chỉ từ sổ gốc', 'P', 0],
    ['Chỉnh sửa nội dung văn bằng, chứng chỉ', 'P', 5],
    ['Chuyển trường đối với học sinh trung học phổ thông', 'P', 3],
    ['Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục', 'P', 15],
    ['Cho phép thành lập trường trung học phổ thông tư thục', 'P', 20],
    ['Chuyển trường đối với học sinh trung học cơ sở', 'D', 3],
    ['Cho phép thành lập trường mầm non tư thục', 'D', 20],
    ['Cho phép trường tiểu học hoạt động giáo dục', 'D', 20],
    ['Công nhận văn bằng do cơ sở giáo dục nước ngoài cấp', 'T', 20],
    ['Cho phép thành lập trường đại học tư thục', 'T', 30],
  ],
  'Giáo dục nghề nghiệp': [['Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp', 'P', 10]],
  'Lao động': [
    ['Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam', 'P', 5],
    ['Cấp lại giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam', 'P', 3],
    ['Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động', 'P', 3],
    ['Đăng ký nội quy lao động', 'P', 7],
    ['Đăng ký hợp đồng nhận lao động thực tập thời hạn dưới 90 ngày', 'P', 5],
    ['Cấp giấy phép hoạt động dịch vụ đưa người lao động đi làm việc ở nước ngoài theo hợp đồng', 'T', 20],
  ],
  'Việc làm': [
    ['Giải quyết hưởng trợ cấp thất nghiệp', 'P', 20],
    ['Cấp giấy phép hoạt động dịch vụ việc làm của doanh nghiệp', 'P', 7],
  ],
  'Người có công': [
    ['Giải quyết chế độ trợ cấp một lần đối với người có công với cách mạng', 'P', 12],
    ['Cấp giấy xác nhận thân nhân của người có công', 'D', 5],
  ],
  'Bảo trợ xã hội': [
    ['Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng', 'D', 15],
    ['Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội', 'D', 3],
    ['Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật', 'C', 25],
    ['Đổi, cấp lại Giấy xác nhận khuyết tật', 'C', 5],
    ['Cấp giấy phép thành lập cơ sở trợ giúp xã hội', 'P', 15],
  ],
  'Nội vụ': [
    ['Thẩm định thành lập đơn vị sự nghiệp công lập', 'P', 20],
    ['Công nhận ban vận động thành lập hội', 'P', 15],
    ['Phê duyệt điều lệ hội', 'P', 30],
  ],
  'Thi đua, khen thưởng': [
    ['Tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh', 'P', 20],
    ['Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện', 'D', 20],
    ['Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã', 'C', 20],
  ],
  'Tôn giáo': [
    ['Đăng ký người đại diện cơ sở tín ngưỡng', 'C', 15],
    ['Thông báo danh mục hoạt động tôn giáo đối với tổ chức có địa bàn hoạt động ở một huyện', 'D', 20],
    ['Công nhận tổ chức tôn giáo có địa bàn hoạt động ở nhiều tỉnh', 'T', 30],
  ],
  'Dân tộc': [['Xét tặng Kỷ niệm chương Vì sự nghiệp phát triển các dân tộc', 'T', 20]],
  'Công thương': [
    ['Cấp Giấy phép bán lẻ sản phẩm rượu', 'D', 10],
    ['Cấp Giấy phép bán lẻ sản phẩm thuốc lá', 'D', 10],
    ['Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu', 'P', 15],
    ['Cấp Giấy phép sản xuất rượu công nghiệp', 'P', 15],
    ['Cấp Giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài thực hiện hoạt động mua bán hàng hóa', 'P', 10],
    ['Đăng ký thực hiện khuyến mại', 'P', 5],
    ['Cấp Giấy phép thành lập Văn phòng đại diện của thương nhân nước ngoài', 'P', 7],
  ],
  'Điện lực': [['Cấp giấy phép hoạt động điện lực', 'P', 15]],
  'Xuất nhập khẩu': [
    ['Cấp Giấy chứng nhận xuất xứ hàng hóa ưu đãi (C/O)', 'T', 1],
    ['Cấp giấy phép xuất khẩu, nhập khẩu hàng hóa', 'T', 7],
  ],
  'Văn hóa': [
    ['Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke', 'D', 5],
    ['Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ vũ trường', 'P', 5],
    ['Đăng ký tổ chức lễ hội cấp tỉnh', 'P', 20],
  ],
  'Du lịch': [
    ['Công nhận hạng cơ sở lưu trú du lịch hạng 1 sao, 2 sao, 3 sao', 'P', 30],
    ['Cấp thẻ hướng dẫn viên du lịch nội địa', 'P', 10],
    ['Cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa', 'P', 10],
    ['Cấp Giấy phép kinh doanh dịch vụ lữ hành quốc tế', 'T', 10],
  ],
  'Thể thao': [['Cấp Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao', 'P', 7]],
  'Khoa học và công nghệ': [
    ['Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ', 'P', 10],
    ['Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ', 'P', 7],
    ['Cấp Giấy chứng nhận đăng ký chuyển giao công nghệ', 'T', 15],
  ],
  'Sở hữu trí tuệ': [
    ['Đăng ký nhãn hiệu', 'T', 30],
    ['Đăng ký sáng chế', 'T', 30],
  ],
  'Thông tin và truyền thông': [
    ['Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp', 'P', 10],
    ['Cấp giấy phép xuất bản bản tin', 'P', 10],
    ['Cấp giấy phép hoạt động in', 'P', 7],
    ['Cấp giấy phép cung cấp dịch vụ viễn thông', 'T', 30],
    ['Cấp giấy phép sử dụng tần số vô tuyến điện', 'T', 20],
  ],
  'Lãnh sự': [
    ['Chứng nhận lãnh sự giấy tờ, tài liệu', 'T', 1],
    ['Hợp pháp hóa lãnh sự giấy tờ, tài liệu', 'T', 1],
    ['Cấp hộ chiếu ngoại giao, hộ chiếu công vụ', 'T', 5],
  ],
  'Quốc phòng': [
    ['Đăng ký nghĩa vụ quân sự lần đầu', 'C', 1],
    ['Thực hiện chế độ trợ cấp một lần đối với quân nhân đã tham gia kháng chiến', 'T', 30],
  ],
  'Ngân hàng': [
    ['Đăng ký khoản vay nước ngoài của doanh nghiệp', 'T', 12],
    ['Cấp Giấy phép hoạt động cung ứng dịch vụ trung gian thanh toán', 'T', 30],
  ],
  'Khiếu nại, tố cáo': [
    ['Giải quyết khiếu nại lần đầu tại cấp xã', 'C', 30],
    ['Giải quyết khiếu nại lần đầu tại cấp huyện', 'D', 30],
    ['Giải quyết khiếu nại lần đầu tại cấp tỉnh', 'P', 30],
    ['Giải quyết khiếu nại lần hai tại cấp tỉnh', 'P', 30],
    ['Giải quyết tố cáo tại cấp tỉnh', 'P', 30],
    ['Giải quyết khiếu nại lần hai tại cấp Trung ương', 'T', 30],
  ],
  'Tiếp công dân': [
    ['Tiếp công dân tại cấp xã', 'C', 0],
    ['Xử lý đơn tại cấp xã', 'C', 10],
  ],
  'Kiểm soát thủ tục hành chính': [['Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính', 'T', 10]],
};

const LEVELS: Record<LevelLetter, ProcedureLevel> = {
  T: ProcedureLevel.CENTRAL,
  P: ProcedureLevel.PROVINCE,
  D: ProcedureLevel.DISTRICT,
  C: ProcedureLevel.COMMUNE,
};

/** Abbreviation of a ministry in decision numbers ("1234/QĐ-BTP"). */
const DECISION_SUFFIX: Readonly<Record<string, string>> = {
  BKHDT: 'BKHĐT',
  BGDDT: 'BGDĐT',
  BLDTBXH: 'LĐTBXH',
  BNNPTNT: 'BNN',
  BDTTG: 'BDTTG',
};

export interface CatalogueEntry {
  code: string;
  name: string;
  field: string;
  level: ProcedureLevel;
  processingDays: number;
}

/**
 * The catalogue with its codes. Codes do not depend on the seed (other code and tests may
 * name "1.004227"): fixed where the table gives one, else derived from the name's hash in the
 * national "1.00xxxx" / "2.00xxxx" shape, bumped on collision.
 */
export function catalogueEntries(): CatalogueEntry[] {
  const used = new Set<string>();
  const entries: CatalogueEntry[] = [];
  for (const entries_ of Object.values(CATALOGUE)) for (const e of entries_) if (e[3]) used.add(e[3]);
  for (const [field, list] of Object.entries(CATALOGUE)) {
    if (!FIELDS[field]) throw new Error(`Field ${field} has no FIELDS entry`);
    for (const [name, level, processingDays, fixed] of list) {
      let code = fixed;
      if (!code) {
        const h = hash32(`${field}|${name}`);
        const prefix = h % 10 < 7 ? '1' : '2';
        let n = 1000 + ((h >>> 4) % 12000);
        while (used.has(`${prefix}.${String(n).padStart(6, '0')}`)) n++;
        code = `${prefix}.${String(n).padStart(6, '0')}`;
        used.add(code);
      }
      entries.push({ code, name, field, level: LEVELS[level], processingDays });
    }
  }
  return entries;
}

export interface ProcedureCatalogue {
  procedures: Procedure[];
  /** Procedures each agency announced (agency_procedure), by agency id, in code order. */
  byAgency: Map<number, Procedure[]>;
  commitments: ServiceCommitment[];
}

export interface SeedProceduresOptions {
  /** The working calendar (publication deadlines); loaded from the database when absent. */
  calendar?: WorkingCalendar;
  /** Nothing is published after this instant. */
  now?: Date;
}

const FEES = [10_000, 15_000, 20_000, 30_000, 50_000, 70_000, 100_000, 150_000, 200_000, 300_000, 500_000, 1_000_000];
const FEE_WEIGHTS = [10, 6, 8, 8, 12, 4, 9, 4, 4, 3, 2, 1];

const ANNOUNCED_FROM = parseLocalDate('2023-01-03');
const ANNOUNCED_TO = parseLocalDate('2025-10-31');

/** Ministry announcing a field's procedures on a date (the successor after the restructuring). */
function announcingMinistry(field: FieldInfo, localDate: string): string {
  return field.ministryAfter && localDate >= MINISTRY_REFORM_DATE ? field.ministryAfter : field.ministry;
}

/** Agencies → the procedures they announced, by level and (for departments) field. */
function linkProcedures(agencies: readonly Agency[], procedures: readonly Procedure[]): Map<number, Procedure[]> {
  const departmentFields = new Map(DEPARTMENTS.map((d) => [d.key, new Set(d.fields)]));
  const byAgency = new Map<number, Procedure[]>();
  for (const agency of agencies) {
    let linked: Procedure[];
    switch (agency.kind) {
      case AgencyKind.MINISTRY:
        linked = procedures.filter((p) => {
          if (p.level !== ProcedureLevel.CENTRAL) return false;
          const f = FIELDS[p.field];
          return f.ministry === agency.code || f.ministryAfter === agency.code;
        });
        break;
      case AgencyKind.PROVINCE:
        // A province announces the list of every local level (province, district, commune).
        linked = procedures.filter((p) => p.level !== ProcedureLevel.CENTRAL);
        break;
      case AgencyKind.DEPARTMENT: {
        const fields = departmentFields.get(agency.code.slice(agency.code.lastIndexOf('-') + 1)) ?? new Set<string>();
        linked = procedures.filter((p) => p.level === ProcedureLevel.PROVINCE && fields.has(p.field));
        break;
      }
      case AgencyKind.DISTRICT:
        linked = procedures.filter((p) => p.level === ProcedureLevel.DISTRICT);
        break;
      case AgencyKind.COMMUNE: {
        // Since 1 July 2025 communes also took over the district-level procedures.
        const newStructure = agency.validFrom !== null && agency.validFrom >= LOCAL_REFORM_DATE;
        linked = procedures.filter((p) => p.level === ProcedureLevel.COMMUNE || (newStructure && p.level === ProcedureLevel.DISTRICT));
        break;
      }
      default:
        linked = [];
    }
    byAgency.set(agency.databaseId, linked);
  }
  return byAgency;
}

/** A few public commitments to do better than the law (docs/SPEC.md §2 "Service commitments"). */
function commitmentRows(agencies: readonly Agency[], byAgency: Map<number, Procedure[]>): unknown[][] {
  const rows: unknown[][] = [];
  const agencyByCode = new Map(agencies.map((a) => [a.code, a]));
  const linkedTo = (code: string) => {
    const agency = agencyByCode.get(code);
    return agency ? { agency, procedures: byAgency.get(agency.databaseId) ?? [] } : undefined;
  };
  // "Friday without waiting" at Ha Noi's Department of Justice.
  const friday = linkedTo('HNI-STP');
  if (friday) {
    for (const p of friday.procedures.filter((p) => p.processingDays >= 1 && p.processingDays <= 10).slice(0, 4)) {
      rows.push([friday.agency.databaseId, p.databaseId, ServiceCommitmentKind.FRIDAY_WITHOUT_WAITING, null, '15:30', '09:00', '2024-06-01', null]);
    }
  }
  // Fewer working days than the law, for a few procedures at a few departments.
  const shorter: [string, number, string | null][] = [
    ['DLK-STP', 3, null],
    ['DLK2-STP', 3, null],
    ['HNI-SXD', 2, '2024-03-01'],
    ['BNH2-STC', 2, null],
    ['HNI-STC', 2, '2025-03-01'],
  ];
  for (const [code, count, validFrom] of shorter) {
    const at = linkedTo(code);
    if (!at) continue;
    for (const p of at.procedures.filter((p) => p.processingDays >= 5).slice(0, count)) {
      rows.push([
        at.agency.databaseId,
        p.databaseId,
        ServiceCommitmentKind.MAX_WORKING_DAYS,
        Math.max(1, Math.round(p.processingDays * 0.6)),
        null,
        null,
        validFrom,
        null,
      ]);
    }
  }
  return rows;
}

/**
 * Inserts the catalogue, links every agency to the procedures it announced (agency_procedure)
 * and adds a few service commitments. Fees, online levels and publication dates come from `rng`.
 */
export async function seedProcedures(
  manager: EntityManager,
  rng: Rng,
  agencies: readonly Agency[],
  options: SeedProceduresOptions = {},
): Promise<ProcedureCatalogue> {
  const calendar = options.calendar ?? (await loadWorkingCalendar(manager));
  const nowMs = (options.now ?? new Date()).getTime();
  const rows: unknown[][] = [];
  for (const entry of catalogueEntries()) {
    const field = FIELDS[entry.field];
    const feeVnd = rng.chance(field.feeShare) ? rng.weighted(FEES, FEE_WEIGHTS) : 0;
    const r = rng.next();
    const onlineLevel = r < field.fullOnline ? OnlineLevel.FULL : r < field.fullOnline + (1 - field.fullOnline) * 0.75 ? OnlineLevel.PARTIAL : OnlineLevel.NONE;
    const onlineEligible = onlineLevel !== OnlineLevel.NONE || rng.chance(0.5);
    const acceptsOnlinePayment = feeVnd > 0 && rng.chance(onlineLevel === OnlineLevel.NONE ? 0.15 : 0.8);

    let announcedDay = rng.int(ANNOUNCED_FROM, ANNOUNCED_TO);
    while (!calendar.isWorkingDayNumber(announcedDay)) announcedDay++;
    const announcedOn = formatDayNumber(announcedDay);
    const decision = `${rng.int(101, 3999)}/QĐ-${DECISION_SUFFIX[announcingMinistry(field, announcedOn)] ?? announcingMinistry(field, announcedOn)}`;
    // Published in the National Database mostly within 5 working days, sometimes late, a few never.
    const p = rng.next();
    let publishedAt: Date | null = null;
    if (p < 0.95) {
      const days = p < 0.8 ? rng.int(1, 5) : rng.int(6, 40);
      publishedAt = calendar.atDayNumber(calendar.addWorkingDaysNumber(announcedDay, days), rng.int(8 * 60, 16 * 60 + 59) * 60_000);
      if (publishedAt.getTime() > nowMs) publishedAt = null;
    }
    rows.push([
      entry.code,
      entry.name,
      entry.field,
      entry.level,
      entry.processingDays,
      feeVnd,
      acceptsOnlinePayment,
      onlineLevel,
      onlineEligible,
      decision,
      announcedOn,
      publishedAt,
    ]);
  }
  await insertRows(
    manager,
    'procedure',
    [
      'code',
      'name',
      'field',
      'level',
      'processing_days',
      'fee_vnd',
      'accepts_online_payment',
      'online_level',
      'online_eligible',
      'announcing_decision',
      'announced_on',
      'published_at',
    ],
    rows,
  );
  const procedures = await manager.find(Procedure, { order: { code: 'ASC' } });

  const byAgency = linkProcedures(agencies, procedures);
  const links: [number, number][] = [];
  for (const [agencyId, list] of byAgency) for (const p of list) links.push([p.databaseId, agencyId]);
  await insertRows(manager, 'agency_procedure', ['procedure_id', 'agency_id'], links, { maxRows: 50_000 });

  const commitments = commitmentRows(agencies, byAgency);
  await insertRows(
    manager,
    'service_commitment',
    ['agency_id', 'procedure_id', 'kind', 'working_days', 'cutoff', 'next_day_at', 'valid_from', 'valid_to'],
    commitments,
  );
  return { procedures, byAgency, commitments: await manager.find(ServiceCommitment, { order: { databaseId: 'ASC' } }) };
}
