/**
 * Method SI-2024: the seed definition of the service index (docs/INDEX_METHOD.md, table "Method
 * SI-2024"), modelled on Decision 766/QĐ-TTg (23 June 2022). This is DATA: it fills the
 * index_method tables, and scores are computed from what those tables hold, so a new version
 * of the weights is a new method row, not a code change.
 *
 * Keys, group names and max points are the table's. The table gives criteria in English
 * only; the Vietnamese criterion names below are ours, worded after the portal's reports.
 */

import type { IndexMethod } from '../scoring/method';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export const SI_2024: IndexMethod = deepFreeze({
  key: 'SI-2024',
  name: 'Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp (2024)',
  groups: [
    {
      key: 'transparency',
      name: 'Công khai, minh bạch',
      maxPoints: 18,
      criteria: [
        {
          key: 'publishedOnTime',
          name: 'Thủ tục hành chính được công khai đúng hạn trên Cơ sở dữ liệu quốc gia',
          maxPoints: 6,
          numerator: 'proceduresPublishedOnTime',
          denominator: 'proceduresAnnounced',
        },
        {
          key: 'dossiersSynced',
          name: 'Hồ sơ được đồng bộ trạng thái lên Cổng Dịch vụ công quốc gia',
          maxPoints: 6,
          numerator: 'dossiersSynced',
          denominator: 'dossiersReceived',
        },
        {
          key: 'electronicTracking',
          name: 'Hồ sơ được cập nhật đầy đủ tiến trình xử lý trên hệ thống điện tử',
          maxPoints: 6,
          numerator: 'dossiersWithCompleteHistory',
          denominator: 'dossiersReceived',
        },
      ],
    },
    {
      key: 'progress',
      name: 'Tiến độ giải quyết',
      maxPoints: 20,
      criteria: [
        {
          key: 'onTime',
          name: 'Hồ sơ giải quyết đúng hạn',
          maxPoints: 14,
          numerator: 'dossiersCompletedInTime',
          denominator: 'dossiersCompletedOrOverdue',
        },
        {
          key: 'apologised',
          name: 'Hồ sơ trễ hạn, quá hạn có thư xin lỗi',
          maxPoints: 6,
          numerator: 'lateOrOverdueWithApology',
          denominator: 'lateOrOverdueDossiers',
        },
      ],
    },
    {
      key: 'online',
      name: 'Dịch vụ trực tuyến',
      maxPoints: 12,
      criteria: [
        {
          key: 'fullOnlineProcedures',
          name: 'Thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình',
          maxPoints: 4,
          numerator: 'proceduresFullOnline',
          denominator: 'proceduresOnlineEligible',
        },
        {
          key: 'onlineDossiers',
          name: 'Hồ sơ tiếp nhận trực tuyến',
          maxPoints: 8,
          numerator: 'dossiersReceivedOnline',
          denominator: 'dossiersReceivedForOnlineProcedures',
        },
      ],
    },
    {
      key: 'payment',
      name: 'Thanh toán trực tuyến',
      maxPoints: 10,
      criteria: [
        {
          key: 'onlinePaymentProcedures',
          name: 'Thủ tục có phí, lệ phí chấp nhận thanh toán trực tuyến',
          maxPoints: 3,
          numerator: 'feeProceduresWithOnlinePayment',
          denominator: 'feeProcedures',
        },
        {
          key: 'onlinePayments',
          name: 'Hồ sơ có phí, lệ phí được thanh toán trực tuyến',
          maxPoints: 7,
          numerator: 'feeDossiersPaidOnline',
          denominator: 'feeDossiersReceived',
        },
      ],
    },
    {
      key: 'satisfaction',
      name: 'Mức độ hài lòng',
      maxPoints: 18,
      criteria: [
        {
          key: 'satisfied',
          name: 'Hồ sơ được đánh giá hài lòng, rất hài lòng',
          maxPoints: 10,
          numerator: 'completedDossiersRatedSatisfied',
          denominator: 'completedDossiersRated',
        },
        {
          key: 'feedbackAnswered',
          name: 'Phản ánh, kiến nghị được xử lý đúng hạn',
          maxPoints: 8,
          numerator: 'feedbackAnsweredInTime',
          denominator: 'feedbackDue',
        },
      ],
    },
    {
      key: 'digitization',
      name: 'Số hóa hồ sơ',
      maxPoints: 22,
      criteria: [
        {
          key: 'digitizedAtReceipt',
          name: 'Hồ sơ được số hóa khi tiếp nhận',
          maxPoints: 8,
          numerator: 'dossiersDigitizedAtReceipt',
          denominator: 'dossiersReceived',
        },
        {
          key: 'electronicResults',
          name: 'Hồ sơ được cấp kết quả giải quyết điện tử',
          maxPoints: 8,
          numerator: 'completedWithElectronicResult',
          denominator: 'dossiersCompleted',
        },
        {
          key: 'dataReused',
          name: 'Hồ sơ tái sử dụng dữ liệu, giấy tờ đã số hóa',
          maxPoints: 6,
          numerator: 'dossiersReusingData',
          denominator: 'dossiersReceivedOnline',
        },
      ],
    },
  ],
});
