import { EntityManager } from 'typeorm';
import { AgencyKind } from '../domain/enums';
import { foldVietnamese } from '../domain/text';
import { Agency } from '../entities';
import { insertRows } from './sql';

/**
 * The administrative structure of the demo data, as data.
 *
 * - Ministries and ministerial-level agencies, with the Government restructuring of 1 March 2025
 *   (Resolution 176/2025/QH15: e.g. the Ministry of Planning and Investment merged into the
 *   Ministry of Finance).
 * - The 63 provinces before 1 July 2025 and the 34 after (Resolution 202/2025/QH15): the 11
 *   unchanged provinces continue as the same agency without validity dates; the 52 others end
 *   on 2025-07-01 with the new merged province as successor; the 23 merged provinces start on
 *   2025-07-01 with new codes ("BNH2").
 * - For a few provinces, departments (sở), districts (old structure only) and communes (old ones
 *   under districts until 2025-07-01, new ones directly under the province from 2025-07-01).
 */

/** First day of the two-level local government (districts abolished, 34 provinces). */
export const LOCAL_REFORM_DATE = '2025-07-01';
/** First day of the restructured Government and provincial departments (Resolution 176/2025/QH15). */
export const MINISTRY_REFORM_DATE = '2025-03-01';

export interface ProvinceDef {
  code: string;
  name: string;
  /** Two-digit GSO code of the province (used for citizen ID prefixes). */
  gso: string;
  /** Population in millions (approximate), to weight the demo's dossier volume. */
  population: number;
  /** Centrally-run city (thành phố trực thuộc trung ương). */
  city?: boolean;
}

/** The 63 provinces and centrally-run cities before 1 July 2025. */
export const PROVINCES_BEFORE_REFORM: readonly ProvinceDef[] = [
  { code: 'HNI', name: 'Hà Nội', gso: '01', population: 8.4, city: true },
  { code: 'HGG', name: 'Hà Giang', gso: '02', population: 0.9 },
  { code: 'CBG', name: 'Cao Bằng', gso: '04', population: 0.54 },
  { code: 'BKN', name: 'Bắc Kạn', gso: '06', population: 0.32 },
  { code: 'TQG', name: 'Tuyên Quang', gso: '08', population: 0.8 },
  { code: 'LCI', name: 'Lào Cai', gso: '10', population: 0.77 },
  { code: 'DBN', name: 'Điện Biên', gso: '11', population: 0.64 },
  { code: 'LCU', name: 'Lai Châu', gso: '12', population: 0.48 },
  { code: 'SLA', name: 'Sơn La', gso: '14', population: 1.3 },
  { code: 'YBI', name: 'Yên Bái', gso: '15', population: 0.84 },
  { code: 'HBH', name: 'Hòa Bình', gso: '17', population: 0.88 },
  { code: 'TNN', name: 'Thái Nguyên', gso: '19', population: 1.33 },
  { code: 'LSN', name: 'Lạng Sơn', gso: '20', population: 0.8 },
  { code: 'QNH', name: 'Quảng Ninh', gso: '22', population: 1.35 },
  { code: 'BGG', name: 'Bắc Giang', gso: '24', population: 1.9 },
  { code: 'PTO', name: 'Phú Thọ', gso: '25', population: 1.5 },
  { code: 'VPC', name: 'Vĩnh Phúc', gso: '26', population: 1.2 },
  { code: 'BNH', name: 'Bắc Ninh', gso: '27', population: 1.5 },
  { code: 'HDG', name: 'Hải Dương', gso: '30', population: 1.95 },
  { code: 'HPG', name: 'Hải Phòng', gso: '31', population: 2.1, city: true },
  { code: 'HYN', name: 'Hưng Yên', gso: '33', population: 1.28 },
  { code: 'TBH', name: 'Thái Bình', gso: '34', population: 1.87 },
  { code: 'HNM', name: 'Hà Nam', gso: '35', population: 0.88 },
  { code: 'NDH', name: 'Nam Định', gso: '36', population: 1.88 },
  { code: 'NBH', name: 'Ninh Bình', gso: '37', population: 1.0 },
  { code: 'THA', name: 'Thanh Hóa', gso: '38', population: 3.7 },
  { code: 'NAN', name: 'Nghệ An', gso: '40', population: 3.4 },
  { code: 'HTH', name: 'Hà Tĩnh', gso: '42', population: 1.3 },
  { code: 'QBH', name: 'Quảng Bình', gso: '44', population: 0.92 },
  { code: 'QTI', name: 'Quảng Trị', gso: '45', population: 0.65 },
  { code: 'HUE', name: 'Huế', gso: '46', population: 1.16, city: true },
  { code: 'DNG', name: 'Đà Nẵng', gso: '48', population: 1.2, city: true },
  { code: 'QNM', name: 'Quảng Nam', gso: '49', population: 1.5 },
  { code: 'QNI', name: 'Quảng Ngãi', gso: '51', population: 1.25 },
  { code: 'BDH', name: 'Bình Định', gso: '52', population: 1.5 },
  { code: 'PYN', name: 'Phú Yên', gso: '54', population: 0.88 },
  { code: 'KHA', name: 'Khánh Hòa', gso: '56', population: 1.25 },
  { code: 'NTN', name: 'Ninh Thuận', gso: '58', population: 0.6 },
  { code: 'BTN', name: 'Bình Thuận', gso: '60', population: 1.25 },
  { code: 'KTM', name: 'Kon Tum', gso: '62', population: 0.58 },
  { code: 'GLI', name: 'Gia Lai', gso: '64', population: 1.6 },
  { code: 'DLK', name: 'Đắk Lắk', gso: '66', population: 1.9 },
  { code: 'DNO', name: 'Đắk Nông', gso: '67', population: 0.67 },
  { code: 'LDG', name: 'Lâm Đồng', gso: '68', population: 1.33 },
  { code: 'BPC', name: 'Bình Phước', gso: '70', population: 1.05 },
  { code: 'TNH', name: 'Tây Ninh', gso: '72', population: 1.2 },
  { code: 'BDG', name: 'Bình Dương', gso: '74', population: 2.8 },
  { code: 'DNI', name: 'Đồng Nai', gso: '75', population: 3.3 },
  { code: 'BRV', name: 'Bà Rịa - Vũng Tàu', gso: '77', population: 1.2 },
  { code: 'HCM', name: 'Hồ Chí Minh', gso: '79', population: 9.4, city: true },
  { code: 'LAN', name: 'Long An', gso: '80', population: 1.73 },
  { code: 'TGG', name: 'Tiền Giang', gso: '82', population: 1.8 },
  { code: 'BTE', name: 'Bến Tre', gso: '83', population: 1.3 },
  { code: 'TVH', name: 'Trà Vinh', gso: '84', population: 1.0 },
  { code: 'VLG', name: 'Vĩnh Long', gso: '86', population: 1.03 },
  { code: 'DTP', name: 'Đồng Tháp', gso: '87', population: 1.6 },
  { code: 'AGG', name: 'An Giang', gso: '89', population: 1.9 },
  { code: 'KGG', name: 'Kiên Giang', gso: '91', population: 1.75 },
  { code: 'CTO', name: 'Cần Thơ', gso: '92', population: 1.25, city: true },
  { code: 'HGI', name: 'Hậu Giang', gso: '93', population: 0.73 },
  { code: 'STG', name: 'Sóc Trăng', gso: '94', population: 1.2 },
  { code: 'BLU', name: 'Bạc Liêu', gso: '95', population: 0.92 },
  { code: 'CMU', name: 'Cà Mau', gso: '96', population: 1.2 },
];

/** The 11 provinces Resolution 202/2025/QH15 left unchanged: same agency, no validity dates. */
export const UNCHANGED_PROVINCES: readonly string[] = ['HNI', 'HUE', 'LCU', 'DBN', 'SLA', 'LSN', 'QNH', 'THA', 'NAN', 'HTH', 'CBG'];

export interface MergedProvinceDef {
  code: string;
  name: string;
  /** Old provinces merged into it; the first gives its name and seat. */
  members: string[];
  city?: boolean;
}

/** The 23 provinces formed on 1 July 2025 (Resolution 202/2025/QH15). */
export const MERGED_PROVINCES: readonly MergedProvinceDef[] = [
  { code: 'BNH2', name: 'Bắc Ninh', members: ['BNH', 'BGG'] },
  { code: 'TQG2', name: 'Tuyên Quang', members: ['TQG', 'HGG'] },
  { code: 'LCI2', name: 'Lào Cai', members: ['LCI', 'YBI'] },
  { code: 'TNN2', name: 'Thái Nguyên', members: ['TNN', 'BKN'] },
  { code: 'PTO2', name: 'Phú Thọ', members: ['PTO', 'VPC', 'HBH'] },
  { code: 'HYN2', name: 'Hưng Yên', members: ['HYN', 'TBH'] },
  { code: 'HPG2', name: 'Hải Phòng', members: ['HPG', 'HDG'], city: true },
  { code: 'NBH2', name: 'Ninh Bình', members: ['NBH', 'HNM', 'NDH'] },
  { code: 'QTI2', name: 'Quảng Trị', members: ['QTI', 'QBH'] },
  { code: 'DNG2', name: 'Đà Nẵng', members: ['DNG', 'QNM'], city: true },
  { code: 'QNI2', name: 'Quảng Ngãi', members: ['QNI', 'KTM'] },
  { code: 'GLI2', name: 'Gia Lai', members: ['GLI', 'BDH'] },
  { code: 'KHA2', name: 'Khánh Hòa', members: ['KHA', 'NTN'] },
  { code: 'LDG2', name: 'Lâm Đồng', members: ['LDG', 'DNO', 'BTN'] },
  { code: 'DLK2', name: 'Đắk Lắk', members: ['DLK', 'PYN'] },
  { code: 'HCM2', name: 'Hồ Chí Minh', members: ['HCM', 'BDG', 'BRV'], city: true },
  { code: 'DNI2', name: 'Đồng Nai', members: ['DNI', 'BPC'] },
  { code: 'TNH2', name: 'Tây Ninh', members: ['TNH', 'LAN'] },
  { code: 'CTO2', name: 'Cần Thơ', members: ['CTO', 'STG', 'HGI'], city: true },
  { code: 'VLG2', name: 'Vĩnh Long', members: ['VLG', 'BTE', 'TVH'] },
  { code: 'DTP2', name: 'Đồng Tháp', members: ['DTP', 'TGG'] },
  { code: 'CMU2', name: 'Cà Mau', members: ['CMU', 'BLU'] },
  { code: 'AGG2', name: 'An Giang', members: ['AGG', 'KGG'] },
];

export interface MinistryDef {
  code: string;
  name: string;
  /** Relative share of the dossiers handled at ministries (demo volume). */
  weight: number;
  validFrom?: string;
  validTo?: string;
  successor?: string;
}

/** Ministries and ministerial-level agencies, before and after 1 March 2025. */
export const MINISTRIES: readonly MinistryDef[] = [
  { code: 'BQP', name: 'Bộ Quốc phòng', weight: 1 },
  { code: 'BCA', name: 'Bộ Công an', weight: 10 },
  { code: 'BNG', name: 'Bộ Ngoại giao', weight: 2 },
  { code: 'BNV', name: 'Bộ Nội vụ', weight: 1.5 },
  { code: 'BTP', name: 'Bộ Tư pháp', weight: 3 },
  { code: 'BTC', name: 'Bộ Tài chính', weight: 8 },
  { code: 'BCT', name: 'Bộ Công Thương', weight: 4 },
  { code: 'BXD', name: 'Bộ Xây dựng', weight: 2 },
  { code: 'BVHTTDL', name: 'Bộ Văn hóa, Thể thao và Du lịch', weight: 1 },
  { code: 'BKHCN', name: 'Bộ Khoa học và Công nghệ', weight: 1.5 },
  { code: 'BGDDT', name: 'Bộ Giáo dục và Đào tạo', weight: 1 },
  { code: 'BYT', name: 'Bộ Y tế', weight: 3 },
  { code: 'NHNN', name: 'Ngân hàng Nhà nước Việt Nam', weight: 1 },
  { code: 'TTCP', name: 'Thanh tra Chính phủ', weight: 0.3 },
  { code: 'VPCP', name: 'Văn phòng Chính phủ', weight: 0.3 },
  { code: 'BNNMT', name: 'Bộ Nông nghiệp và Môi trường', weight: 0, validFrom: MINISTRY_REFORM_DATE },
  { code: 'BDTTG', name: 'Bộ Dân tộc và Tôn giáo', weight: 0, validFrom: MINISTRY_REFORM_DATE },
  { code: 'BKHDT', name: 'Bộ Kế hoạch và Đầu tư', weight: 1.5, validTo: MINISTRY_REFORM_DATE, successor: 'BTC' },
  { code: 'BGTVT', name: 'Bộ Giao thông vận tải', weight: 2, validTo: MINISTRY_REFORM_DATE, successor: 'BXD' },
  { code: 'BTTTT', name: 'Bộ Thông tin và Truyền thông', weight: 1, validTo: MINISTRY_REFORM_DATE, successor: 'BKHCN' },
  { code: 'BLDTBXH', name: 'Bộ Lao động - Thương binh và Xã hội', weight: 1.5, validTo: MINISTRY_REFORM_DATE, successor: 'BNV' },
  { code: 'BTNMT', name: 'Bộ Tài nguyên và Môi trường', weight: 1.5, validTo: MINISTRY_REFORM_DATE, successor: 'BNNMT' },
  { code: 'BNNPTNT', name: 'Bộ Nông nghiệp và Phát triển nông thôn', weight: 1.5, validTo: MINISTRY_REFORM_DATE, successor: 'BNNMT' },
  { code: 'UBDT', name: 'Ủy ban Dân tộc', weight: 0.3, validTo: MINISTRY_REFORM_DATE, successor: 'BDTTG' },
];

export interface DepartmentDef {
  /** Code suffix: "STP" gives "HNI-STP". */
  key: string;
  name: string;
  /** Relative share of the province's departmental dossiers (demo volume). */
  weight: number;
  validFrom?: string;
  validTo?: string;
  /** Key of the department that took over its work (same province). */
  successor?: string;
  /** Procedure fields (lĩnh vực) this department handles at province level. */
  fields: string[];
}

/** Provincial departments (sở), with the 1 March 2025 mergers. */
export const DEPARTMENTS: readonly DepartmentDef[] = [
  {
    key: 'STP',
    name: 'Sở Tư pháp',
    weight: 1.0,
    fields: [
      'Lý lịch tư pháp',
      'Quốc tịch',
      'Công chứng',
      'Luật sư',
      'Đấu giá tài sản',
      'Trọng tài thương mại',
      'Trợ giúp pháp lý',
      'Hộ tịch',
      'Chứng thực',
      'Đăng ký biện pháp bảo đảm',
    ],
  },
  { key: 'STC', name: 'Sở Tài chính', weight: 0.8, fields: ['Tài chính', 'Đầu tư', 'Doanh nghiệp'] },
  { key: 'SXD', name: 'Sở Xây dựng', weight: 0.8, fields: ['Xây dựng', 'Nhà ở', 'Giao thông', 'Đường thủy nội địa'] },
  { key: 'SYT', name: 'Sở Y tế', weight: 0.6, fields: ['Y tế', 'Dược', 'An toàn thực phẩm'] },
  { key: 'SGDDT', name: 'Sở Giáo dục và Đào tạo', weight: 0.4, fields: ['Giáo dục', 'Giáo dục nghề nghiệp'] },
  {
    key: 'SNV',
    name: 'Sở Nội vụ',
    weight: 0.6,
    fields: ['Nội vụ', 'Thi đua, khen thưởng', 'Tôn giáo', 'Lao động', 'Việc làm', 'Người có công', 'Bảo trợ xã hội'],
  },
  { key: 'SCT', name: 'Sở Công Thương', weight: 0.4, fields: ['Công thương', 'Điện lực'] },
  { key: 'SVHTTDL', name: 'Sở Văn hóa, Thể thao và Du lịch', weight: 0.3, fields: ['Văn hóa', 'Du lịch', 'Thể thao'] },
  { key: 'SKHCN', name: 'Sở Khoa học và Công nghệ', weight: 0.2, fields: ['Khoa học và công nghệ', 'Thông tin và truyền thông'] },
  {
    key: 'SNNMT',
    name: 'Sở Nông nghiệp và Môi trường',
    weight: 1.2,
    validFrom: MINISTRY_REFORM_DATE,
    fields: ['Đất đai', 'Môi trường', 'Tài nguyên nước', 'Khoáng sản', 'Nông nghiệp', 'Thủy sản', 'Thú y'],
  },
  { key: 'SKHDT', name: 'Sở Kế hoạch và Đầu tư', weight: 0.8, validTo: MINISTRY_REFORM_DATE, successor: 'STC', fields: ['Đầu tư', 'Doanh nghiệp'] },
  { key: 'SGTVT', name: 'Sở Giao thông vận tải', weight: 0.9, validTo: MINISTRY_REFORM_DATE, successor: 'SXD', fields: ['Giao thông', 'Đường thủy nội địa'] },
  {
    key: 'STNMT',
    name: 'Sở Tài nguyên và Môi trường',
    weight: 1.0,
    validTo: MINISTRY_REFORM_DATE,
    successor: 'SNNMT',
    fields: ['Đất đai', 'Môi trường', 'Tài nguyên nước', 'Khoáng sản'],
  },
  {
    key: 'SNNPTNT',
    name: 'Sở Nông nghiệp và Phát triển nông thôn',
    weight: 0.4,
    validTo: MINISTRY_REFORM_DATE,
    successor: 'SNNMT',
    fields: ['Nông nghiệp', 'Thủy sản', 'Thú y'],
  },
  {
    key: 'SLDTBXH',
    name: 'Sở Lao động - Thương binh và Xã hội',
    weight: 0.6,
    validTo: MINISTRY_REFORM_DATE,
    successor: 'SNV',
    fields: ['Lao động', 'Việc làm', 'Người có công', 'Bảo trợ xã hội', 'Giáo dục nghề nghiệp'],
  },
  { key: 'STTTT', name: 'Sở Thông tin và Truyền thông', weight: 0.2, validTo: MINISTRY_REFORM_DATE, successor: 'SKHCN', fields: ['Thông tin và truyền thông'] },
];

/** Provinces given departments in the demo. */
export const PROVINCES_WITH_DEPARTMENTS: readonly string[] = ['HNI', 'HDG', 'DLK', 'DLK2', 'BNH2'];

/** Districts (old structure) and their communes, for the provinces that have them in the demo. */
export const DISTRICTS: Readonly<Record<string, readonly { name: string; communes?: string[] }[]>> = {
  HNI: [
    {
      name: 'Quận Ba Đình',
      communes: [
        'Phường Phúc Xá',
        'Phường Trúc Bạch',
        'Phường Vĩnh Phúc',
        'Phường Cống Vị',
        'Phường Liễu Giai',
        'Phường Nguyễn Trung Trực',
        'Phường Quán Thánh',
        'Phường Ngọc Hà',
        'Phường Điện Biên',
        'Phường Đội Cấn',
        'Phường Ngọc Khánh',
        'Phường Kim Mã',
        'Phường Giảng Võ',
        'Phường Thành Công',
      ],
    },
    {
      name: 'Quận Hoàn Kiếm',
      communes: [
        'Phường Hàng Bạc',
        'Phường Hàng Bồ',
        'Phường Hàng Buồm',
        'Phường Hàng Đào',
        'Phường Hàng Gai',
        'Phường Hàng Trống',
        'Phường Lý Thái Tổ',
        'Phường Tràng Tiền',
        'Phường Trần Hưng Đạo',
        'Phường Cửa Nam',
      ],
    },
    { name: 'Quận Tây Hồ' },
    { name: 'Quận Long Biên' },
    {
      name: 'Quận Cầu Giấy',
      communes: [
        'Phường Dịch Vọng',
        'Phường Dịch Vọng Hậu',
        'Phường Mai Dịch',
        'Phường Nghĩa Đô',
        'Phường Nghĩa Tân',
        'Phường Quan Hoa',
        'Phường Trung Hòa',
        'Phường Yên Hòa',
      ],
    },
    { name: 'Quận Đống Đa' },
    { name: 'Quận Hai Bà Trưng' },
    { name: 'Quận Hoàng Mai' },
    { name: 'Quận Thanh Xuân' },
    { name: 'Quận Nam Từ Liêm' },
    { name: 'Quận Bắc Từ Liêm' },
    { name: 'Quận Hà Đông' },
    { name: 'Thị xã Sơn Tây' },
    { name: 'Huyện Ba Vì' },
    { name: 'Huyện Chương Mỹ' },
    { name: 'Huyện Đan Phượng' },
    {
      name: 'Huyện Đông Anh',
      communes: ['Thị trấn Đông Anh', 'Xã Uy Nỗ', 'Xã Vân Nội', 'Xã Kim Chung', 'Xã Hải Bối', 'Xã Xuân Nộn', 'Xã Cổ Loa', 'Xã Mai Lâm'],
    },
    { name: 'Huyện Gia Lâm' },
    { name: 'Huyện Hoài Đức' },
    { name: 'Huyện Mê Linh' },
    { name: 'Huyện Mỹ Đức' },
    { name: 'Huyện Phú Xuyên' },
    { name: 'Huyện Phúc Thọ' },
    { name: 'Huyện Quốc Oai' },
    { name: 'Huyện Sóc Sơn' },
    { name: 'Huyện Thạch Thất' },
    { name: 'Huyện Thanh Oai' },
    { name: 'Huyện Thanh Trì' },
    { name: 'Huyện Thường Tín' },
    { name: 'Huyện Ứng Hòa' },
  ],
  HDG: [
    {
      name: 'Thành phố Hải Dương',
      communes: ['Phường Trần Hưng Đạo', 'Phường Nguyễn Trãi', 'Phường Quang Trung', 'Phường Lê Thanh Nghị', 'Phường Tân Bình', 'Phường Thanh Bình'],
    },
    { name: 'Thành phố Chí Linh' },
    { name: 'Thị xã Kinh Môn' },
    { name: 'Huyện Bình Giang' },
    { name: 'Huyện Cẩm Giàng' },
    { name: 'Huyện Gia Lộc' },
    { name: 'Huyện Kim Thành' },
    { name: 'Huyện Nam Sách' },
    { name: 'Huyện Ninh Giang' },
    {
      name: 'Huyện Thanh Hà',
      communes: [
        'Thị trấn Thanh Hà',
        'Xã Thanh An',
        'Xã Thanh Lang',
        'Xã Thanh Xá',
        'Xã Thanh Xuân',
        'Xã Thanh Cường',
        'Xã Thanh Hồng',
        'Xã Thanh Sơn',
        'Xã Thanh Tân',
        'Xã Thanh Quang',
        'Xã Tân Việt',
        'Xã Cẩm Việt',
        'Xã Hồng Lạc',
        'Xã Liên Mạc',
        'Xã An Phượng',
      ],
    },
    { name: 'Huyện Thanh Miện' },
    { name: 'Huyện Tứ Kỳ' },
  ],
  DLK: [
    {
      name: 'Thành phố Buôn Ma Thuột',
      communes: [
        'Phường Tân Lập',
        'Phường Tân Hòa',
        'Phường Tân An',
        'Phường Thắng Lợi',
        'Phường Thống Nhất',
        'Phường Thành Nhất',
        'Phường Tân Lợi',
        'Phường Tân Thành',
        'Phường Ea Tam',
        'Phường Khánh Xuân',
        'Phường Thành Công',
        'Phường Tự An',
        'Xã Hòa Thuận',
        'Xã Cư Êbur',
        'Xã Ea Kao',
        'Xã Hòa Thắng',
        'Xã Hòa Khánh',
        'Xã Hòa Phú',
        'Xã Ea Tu',
        'Xã Hòa Xuân',
      ],
    },
    { name: 'Thị xã Buôn Hồ' },
    { name: 'Huyện Buôn Đôn' },
    { name: 'Huyện Cư Kuin' },
    { name: "Huyện Cư M'gar" },
    { name: "Huyện Ea H'leo" },
    { name: 'Huyện Ea Kar' },
    { name: 'Huyện Ea Súp' },
    { name: 'Huyện Krông Ana' },
    { name: 'Huyện Krông Bông' },
    { name: 'Huyện Krông Búk' },
    { name: 'Huyện Krông Năng' },
    {
      name: 'Huyện Krông Pắc',
      communes: ['Thị trấn Phước An', 'Xã Ea Kly', 'Xã Ea Phê', 'Xã Ea Kênh', 'Xã Hòa An', 'Xã Krông Búk', 'Xã Ea Yông', 'Xã Vụ Bổn'],
    },
    { name: 'Huyện Lắk' },
    { name: "Huyện M'Đrắk" },
  ],
};

/** Communes of the new structure (from 2025-07-01), directly under the province (a sample). */
export const NEW_COMMUNES: Readonly<Record<string, readonly string[]>> = {
  HNI: [
    'Phường Ba Đình',
    'Phường Ngọc Hà',
    'Phường Giảng Võ',
    'Phường Hoàn Kiếm',
    'Phường Cửa Nam',
    'Phường Cầu Giấy',
    'Phường Nghĩa Đô',
    'Phường Yên Hòa',
    'Phường Tây Hồ',
    'Phường Long Biên',
    'Phường Hà Đông',
    'Phường Đống Đa',
    'Xã Đông Anh',
    'Xã Thư Lâm',
    'Xã Sóc Sơn',
    'Xã Bát Tràng',
  ],
  HPG2: [
    'Xã Thanh Hà',
    'Xã Hà Tây',
    'Xã Hà Bắc',
    'Xã Hà Đông',
    'Xã Hà Nam',
    'Phường Hải Dương',
    'Phường Lê Thanh Nghị',
    'Phường Thành Đông',
    'Phường Hồng Bàng',
    'Phường Ngô Quyền',
    'Phường Lê Chân',
  ],
  DLK2: [
    'Phường Buôn Ma Thuột',
    'Phường Tân An',
    'Phường Tân Lập',
    'Phường Thành Nhất',
    'Phường Ea Kao',
    'Xã Hòa Phú',
    'Xã Krông Pắc',
    'Xã Ea Kly',
    'Xã Ea Phê',
    'Xã Ea Knuếc',
    'Phường Tuy Hòa',
    'Phường Phú Yên',
    'Phường Bình Kiến',
    "Xã Ea H'leo",
    'Xã Buôn Đôn',
    'Phường Buôn Hồ',
  ],
  BNH2: [
    'Phường Kinh Bắc',
    'Phường Võ Cường',
    'Phường Vũ Ninh',
    'Phường Hạp Lĩnh',
    'Phường Nam Sơn',
    'Phường Từ Sơn',
    'Phường Tam Sơn',
    'Phường Đồng Nguyên',
    'Phường Phù Khê',
    'Phường Bắc Giang',
    'Phường Đa Mai',
    'Phường Tiền Phong',
    'Phường Chũ',
    'Xã Yên Thế',
    'Xã Lạng Giang',
    'Xã Lục Ngạn',
    'Phường Quế Võ',
    'Phường Thuận Thành',
  ],
};

/** Agencies keeping their own office hours (docs/SPEC.md §2: "unless an agency sets its own"). */
export const OWN_OFFICE_HOURS: Readonly<Record<string, { start: string; end: string }>> = {
  'DLK-STP': { start: '07:30', end: '16:30' },
  'DLK2-STP': { start: '07:30', end: '16:30' },
};

/** One agency row before insertion. */
export interface AgencySpec {
  code: string;
  name: string;
  kind: AgencyKind;
  parentCode: string | null;
  validFrom: string | null;
  validTo: string | null;
  successorCode: string | null;
}

const UNIT_PREFIXES: readonly [string, string][] = [
  ['Thành phố ', 'TP'],
  ['Thị trấn ', 'TT'],
  ['Thị xã ', 'TX'],
  ['Phường ', 'P'],
  ['Quận ', 'Q'],
  ['Huyện ', 'H'],
  ['Xã ', 'X'],
];

/** "Phường Phúc Xá" → { abbr: 'P', bare: 'Phúc Xá' }. */
function splitUnitName(name: string): { abbr: string; bare: string } {
  for (const [prefix, abbr] of UNIT_PREFIXES) if (name.startsWith(prefix)) return { abbr, bare: name.slice(prefix.length) };
  return { abbr: '', bare: name };
}

/** ASCII, upper-case, letters and digits only: "Cư M'gar" → "CUMGAR". */
function slug(text: string): string {
  return foldVietnamese(text)
    .replace(/[^a-z0-9]/g, '')
    .toUpperCase();
}

/** "HNI" + "Quận Ba Đình" → "HNI-QBADINH". */
function unitCode(parentCode: string, name: string): string {
  const { abbr, bare } = splitUnitName(name);
  return `${parentCode}-${abbr}${slug(bare)}`;
}

function laterOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

function earlierOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/** Every agency of the demo structure, parents before children. */
export function buildAgencySpecs(): AgencySpec[] {
  const specs: AgencySpec[] = [];
  const byCode = new Map<string, AgencySpec>();
  const add = (spec: AgencySpec) => {
    if (byCode.has(spec.code)) throw new Error(`Duplicate agency code ${spec.code}`);
    if (spec.code.length > 40) throw new Error(`Agency code too long: ${spec.code}`);
    byCode.set(spec.code, spec);
    specs.push(spec);
  };

  for (const m of MINISTRIES) {
    add({
      code: m.code,
      name: m.name,
      kind: AgencyKind.MINISTRY,
      parentCode: null,
      validFrom: m.validFrom ?? null,
      validTo: m.validTo ?? null,
      successorCode: m.successor ?? null,
    });
  }

  const successorOf = new Map<string, string>();
  for (const merged of MERGED_PROVINCES) for (const member of merged.members) successorOf.set(member, merged.code);
  for (const p of PROVINCES_BEFORE_REFORM) {
    const unchanged = UNCHANGED_PROVINCES.includes(p.code);
    if (!unchanged && !successorOf.has(p.code)) throw new Error(`Province ${p.code} is neither unchanged nor merged`);
    add({
      code: p.code,
      name: p.name,
      kind: AgencyKind.PROVINCE,
      parentCode: null,
      validFrom: null,
      validTo: unchanged ? null : LOCAL_REFORM_DATE,
      successorCode: unchanged ? null : successorOf.get(p.code)!,
    });
  }
  for (const merged of MERGED_PROVINCES) {
    add({
      code: merged.code,
      name: merged.name,
      kind: AgencyKind.PROVINCE,
      parentCode: null,
      validFrom: LOCAL_REFORM_DATE,
      validTo: null,
      successorCode: null,
    });
  }

  // Departments: each valid in the overlap of its own dates and its province's.
  for (const provinceCode of PROVINCES_WITH_DEPARTMENTS) {
    const province = byCode.get(provinceCode)!;
    for (const d of DEPARTMENTS) {
      const validFrom = laterOf(province.validFrom, d.validFrom ?? null);
      const validTo = earlierOf(province.validTo, d.validTo ?? null);
      if (validFrom !== null && validTo !== null && validFrom >= validTo) continue;
      let successorCode: string | null = null;
      if (d.validTo && (province.validTo === null || d.validTo < province.validTo)) {
        successorCode = `${provinceCode}-${d.successor}`;
      } else if (province.successorCode && PROVINCES_WITH_DEPARTMENTS.includes(province.successorCode)) {
        successorCode = `${province.successorCode}-${d.key}`;
      }
      add({
        code: `${provinceCode}-${d.key}`,
        name: `${d.name} ${provinceLabel(province)}`,
        kind: AgencyKind.DEPARTMENT,
        parentCode: provinceCode,
        validFrom,
        validTo,
        successorCode,
      });
    }
  }

  // New communes first (so old ones can name them as successors), then districts and old communes.
  const newCommuneByName = new Map<string, string>();
  for (const [provinceCode, communes] of Object.entries(NEW_COMMUNES)) {
    for (const name of communes) {
      const code = unitCode(provinceCode, name);
      add({ code, name, kind: AgencyKind.COMMUNE, parentCode: provinceCode, validFrom: LOCAL_REFORM_DATE, validTo: null, successorCode: null });
      newCommuneByName.set(`${provinceCode}|${slug(splitUnitName(name).bare)}`, code);
    }
  }
  const districtSpecs: AgencySpec[] = [];
  const communeSpecs: AgencySpec[] = [];
  for (const [provinceCode, districts] of Object.entries(DISTRICTS)) {
    const province = byCode.get(provinceCode)!;
    const newProvince = province.successorCode ?? provinceCode;
    for (const district of districts) {
      const districtCode = unitCode(provinceCode, district.name);
      districtSpecs.push({
        code: districtCode,
        name: district.name,
        kind: AgencyKind.DISTRICT,
        parentCode: provinceCode,
        validFrom: null,
        validTo: LOCAL_REFORM_DATE,
        successorCode: null,
      });
      for (const name of district.communes ?? []) {
        const successorCode = newCommuneByName.get(`${newProvince}|${slug(splitUnitName(name).bare)}`) ?? null;
        communeSpecs.push({
          code: unitCode(districtCode, name),
          name,
          kind: AgencyKind.COMMUNE,
          parentCode: districtCode,
          validFrom: null,
          validTo: LOCAL_REFORM_DATE,
          successorCode,
        });
      }
    }
  }
  districtSpecs.forEach(add);
  communeSpecs.forEach(add);
  return specs;
}

/** "thành phố Hà Nội" / "tỉnh Đắk Lắk", as in departments' official names. */
function provinceLabel(province: AgencySpec): string {
  const city = PROVINCES_BEFORE_REFORM.find((p) => p.code === province.code)?.city ?? MERGED_PROVINCES.find((p) => p.code === province.code)?.city ?? false;
  return `${city ? 'thành phố' : 'tỉnh'} ${province.name}`;
}

/**
 * Inserts the demo structure (parents before children, then successors) and returns every
 * agency, in insertion (id) order. Agency.path is the materialised path of codes ("/HNI/HNI-STP/").
 */
export async function seedAgencies(manager: EntityManager): Promise<Agency[]> {
  const specs = buildAgencySpecs();
  const pathOf = new Map<string, string>();
  const idOf = new Map<string, number>();
  // Depth by depth, so that every parent id is known when its children are inserted.
  let level = specs.filter((s) => s.parentCode === null);
  while (level.length > 0) {
    const rows = level.map((s) => {
      const path = `${s.parentCode ? pathOf.get(s.parentCode)! : '/'}${s.code}/`;
      pathOf.set(s.code, path);
      const hours = OWN_OFFICE_HOURS[s.code];
      return [s.code, s.name, s.kind, s.parentCode ? idOf.get(s.parentCode)! : null, path, s.validFrom, s.validTo, hours?.start ?? null, hours?.end ?? null];
    });
    const inserted = await insertRows<{ id: number; code: string }>(
      manager,
      'agency',
      ['code', 'name', 'kind', 'parent_id', 'path', 'valid_from', 'valid_to', 'office_start', 'office_end'],
      rows,
      { returning: 'id, code' },
    );
    for (const row of inserted) idOf.set(row.code, Number(row.id));
    const codes = new Set(level.map((s) => s.code));
    level = specs.filter((s) => s.parentCode !== null && codes.has(s.parentCode));
  }
  if (idOf.size !== specs.length) throw new Error(`Inserted ${idOf.size} of ${specs.length} agencies: an agency's parent is missing`);

  const successions = specs.filter((s) => s.successorCode !== null);
  const pairs = successions.map((s) => {
    const successorId = idOf.get(s.successorCode!);
    if (successorId === undefined) throw new Error(`Successor ${s.successorCode} of ${s.code} does not exist`);
    return [idOf.get(s.code)!, successorId];
  });
  await manager.query('UPDATE agency AS a SET successor_id = v.successor FROM unnest($1::int[], $2::int[]) AS v(id, successor) WHERE a.id = v.id', [
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  ]);
  return manager.find(Agency, { order: { databaseId: 'ASC' } });
}

/** Whether an agency exists on a local date ('YYYY-MM-DD'): validFrom ≤ date < validTo. */
export function isValidOn(agency: { validFrom: string | null; validTo: string | null }, localDate: string): boolean {
  return (agency.validFrom === null || agency.validFrom <= localDate) && (agency.validTo === null || localDate < agency.validTo);
}

/** Code of the root (ministry or province) of an agency, from its path. */
export function rootCodeOf(agency: { path: string }): string {
  return agency.path.slice(1, agency.path.indexOf('/', 1));
}
