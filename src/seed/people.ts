import { Rng, WeightedPicker } from './random';

/**
 * Fake but realistic applicants: Vietnamese full names (họ + đệm + tên), 12-digit citizen IDs
 * (CCCD: province of birth, sex and century, year of birth, serial), 10-digit enterprise codes,
 * mobile numbers with real network prefixes, and street addresses.
 */

// Family names with their approximate share of the population.
const FAMILY = new WeightedPicker(
  [
    'Nguyễn',
    'Trần',
    'Lê',
    'Phạm',
    'Hoàng',
    'Huỳnh',
    'Phan',
    'Vũ',
    'Võ',
    'Đặng',
    'Bùi',
    'Đỗ',
    'Hồ',
    'Ngô',
    'Dương',
    'Lý',
    'Đinh',
    'Trương',
    'Lâm',
    'Mai',
    'Đào',
    'Cao',
    'Hà',
    'Tạ',
    'Lương',
    'Trịnh',
  ],
  [38, 11, 9.5, 7, 4, 3, 4.5, 2.5, 1.5, 2.1, 2, 1.4, 1.3, 1.3, 1, 0.5, 0.8, 0.8, 0.5, 0.6, 0.6, 0.5, 0.5, 0.3, 0.4, 0.5],
);
const MIDDLE_MALE = [
  'Văn',
  'Văn',
  'Văn',
  'Hữu',
  'Đức',
  'Minh',
  'Quang',
  'Thành',
  'Công',
  'Xuân',
  'Anh',
  'Hoàng',
  'Ngọc',
  'Trung',
  'Tiến',
  'Duy',
  'Quốc',
  'Gia',
  'Đình',
  'Mạnh',
];
const MIDDLE_FEMALE = [
  'Thị',
  'Thị',
  'Thị',
  'Ngọc',
  'Thu',
  'Thanh',
  'Minh',
  'Thùy',
  'Phương',
  'Kim',
  'Mai',
  'Bích',
  'Hải',
  'Hồng',
  'Khánh',
  'Diệu',
  'Bảo',
  'Quỳnh',
  'Thảo',
  'Lan',
];
const GIVEN_MALE = [
  'Anh',
  'Bình',
  'Cường',
  'Dũng',
  'Duy',
  'Đạt',
  'Hải',
  'Hiếu',
  'Hùng',
  'Huy',
  'Khoa',
  'Kiên',
  'Long',
  'Minh',
  'Nam',
  'Phong',
  'Phúc',
  'Quân',
  'Sơn',
  'Tài',
  'Thắng',
  'Thành',
  'Trung',
  'Tuấn',
  'Việt',
  'Vinh',
  'Khang',
  'Lâm',
  'Nghĩa',
  'Toàn',
  'Hưng',
  'Đông',
  'Khải',
  'Lộc',
  'Tùng',
];
const GIVEN_FEMALE = [
  'Anh',
  'Chi',
  'Dung',
  'Giang',
  'Hà',
  'Hạnh',
  'Hằng',
  'Hiền',
  'Hoa',
  'Huyền',
  'Hương',
  'Lan',
  'Linh',
  'Loan',
  'Mai',
  'My',
  'Nga',
  'Ngọc',
  'Nhung',
  'Oanh',
  'Phương',
  'Quỳnh',
  'Thảo',
  'Trang',
  'Tuyết',
  'Vân',
  'Yến',
  'Ngân',
  'Thư',
  'Trâm',
  'Vy',
  'Hân',
  'Nhi',
  'Uyên',
  'Châu',
];

const COMPANY_FORMS = new WeightedPicker(
  ['Công ty TNHH', 'Công ty TNHH MTV', 'Công ty Cổ phần', 'Doanh nghiệp tư nhân', 'Hợp tác xã', 'Hộ kinh doanh'],
  [35, 15, 30, 5, 5, 10],
);
const COMPANY_TRADES = [
  'Thương mại',
  'Dịch vụ',
  'Xây dựng',
  'Thương mại và Dịch vụ',
  'Đầu tư',
  'Sản xuất',
  'Vận tải',
  'Công nghệ',
  'Xuất nhập khẩu',
  'Nông sản',
  'Thực phẩm',
  'Cơ khí',
  'Du lịch',
  'Bất động sản',
  'Dược phẩm',
  'Giáo dục',
  'Môi trường',
  'Điện tử',
];
const COMPANY_NAMES = [
  'Hoàng Long',
  'Minh Phát',
  'An Khang',
  'Thành Công',
  'Đại Việt',
  'Phú Thịnh',
  'Tân Phát',
  'Hưng Thịnh',
  'Sao Việt',
  'Bình Minh',
  'Thiên An',
  'Việt Tiến',
  'Phương Nam',
  'Đông Á',
  'Trường Sơn',
  'Hải Đăng',
  'Kim Ngân',
  'Nam Việt',
  'Toàn Cầu',
  'Hồng Hà',
  'Mê Kông',
  'Tây Nguyên',
  'Ánh Dương',
  'Gia Phát',
  'Vạn Xuân',
  'Quang Minh',
  'Lạc Hồng',
  'Thăng Long',
  'Sông Hàn',
  'Cửu Long',
];

const STREETS = [
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Nguyễn Trãi',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Quang Trung',
  'Hùng Vương',
  'Nguyễn Huệ',
  'Phan Đình Phùng',
  'Lê Duẩn',
  'Điện Biên Phủ',
  'Võ Văn Kiệt',
  'Nguyễn Văn Linh',
  'Trần Phú',
  'Lê Hồng Phong',
  'Nguyễn Du',
  'Bà Triệu',
  'Hoàng Diệu',
  'Phạm Văn Đồng',
  'Nguyễn Thị Minh Khai',
  'Cách Mạng Tháng Tám',
  'Ngô Quyền',
  'Lý Thái Tổ',
  'Tô Hiến Thành',
  'Nguyễn Chí Thanh',
  'Giải Phóng',
  'Tôn Đức Thắng',
  'Võ Thị Sáu',
  'Lạc Long Quân',
  'Âu Cơ',
];

// Viettel, VinaPhone, MobiFone, Vietnamobile prefixes.
const MOBILE_PREFIXES = [
  '086',
  '096',
  '097',
  '098',
  '032',
  '033',
  '034',
  '035',
  '036',
  '037',
  '038',
  '039',
  '088',
  '091',
  '094',
  '083',
  '084',
  '085',
  '081',
  '082',
  '089',
  '090',
  '093',
  '070',
  '076',
  '077',
  '078',
  '079',
  '092',
  '056',
  '058',
];

export interface Person {
  name: string;
  male: boolean;
  birthYear: number;
}

export function personName(rng: Rng): Person {
  const male = rng.chance(0.5);
  const family = FAMILY.pick(rng);
  const middle = rng.pick(male ? MIDDLE_MALE : MIDDLE_FEMALE);
  const given = rng.pick(male ? GIVEN_MALE : GIVEN_FEMALE);
  // About one in eight names has a second middle name ("Nguyễn Thị Thu Hà").
  const second = rng.chance(0.12) ? ` ${rng.pick(male ? MIDDLE_MALE : MIDDLE_FEMALE)}` : '';
  const birthYear = rng.int(1945, 2010);
  return { name: `${family} ${middle}${second} ${given}`, male, birthYear };
}

/** 12-digit citizen ID (CCCD): 3-digit province code, sex/century digit, 2-digit birth year, 6-digit serial. */
export function citizenId(rng: Rng, person: Person, provinceGso: string): string {
  const centuryDigit = (person.birthYear >= 2000 ? 2 : 0) + (person.male ? 0 : 1);
  return `0${provinceGso}${centuryDigit}${String(person.birthYear % 100).padStart(2, '0')}${rng.digits(6)}`;
}

export function businessName(rng: Rng): string {
  const form = COMPANY_FORMS.pick(rng);
  if (form === 'Hộ kinh doanh') return `${form} ${personName(rng).name}`;
  return `${form} ${rng.pick(COMPANY_TRADES)} ${rng.pick(COMPANY_NAMES)}`;
}

/** 10-digit enterprise code (mã số doanh nghiệp), prefixed by the province's tax office code. */
export function enterpriseCode(rng: Rng, provinceGso: string): string {
  return `0${provinceGso.slice(-2)}${rng.digits(7)}`;
}

export function mobilePhone(rng: Rng): string {
  return `${rng.pick(MOBILE_PREFIXES)}${rng.digits(7)}`;
}

/** "Số 12 Lê Lợi, Phường Phúc Xá, Hà Nội" or "Thôn 3, Xã Ea Kly, Đắk Lắk". */
export function streetAddress(rng: Rng, locality: string | null, provinceName: string): string {
  const place = locality ? `${locality}, ${provinceName}` : provinceName;
  if (locality?.startsWith('Xã') && rng.chance(0.7)) return `Thôn ${rng.int(1, 15)}, ${place}`;
  const alley = rng.chance(0.35) ? `ngõ ${rng.int(1, 300)} ` : '';
  return `Số ${rng.int(1, 350)} ${alley}${rng.pick(STREETS)}, ${place}`;
}
