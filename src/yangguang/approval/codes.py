"""Code lists of GB/T 39046-2020 政务服务平台基础数据规范, appendix A, as summarised in
shared/domain/approval-and-supervision.md ("Code lists")."""

from __future__ import annotations

ITEM_TYPE = {  # A.1 事项类型
    "00": "行政权力", "01": "行政许可", "02": "行政处罚", "03": "行政强制", "04": "行政征收", "05": "行政给付",
    "06": "行政检查", "07": "行政确认", "08": "行政奖励", "09": "行政裁决", "10": "其他行政权力", "20": "公共服务",
}
EXERCISE_LEVEL = {  # A.2 行使层级
    "1": "国家级", "2": "省级", "3": "市级", "4": "县级", "5": "镇(乡、街道)级", "6": "村(社区)级", "7": "分级",
}
SUBJECT_NATURE = {"1": "法定机关", "2": "授权组织", "3": "受委托组织", "9": "其他"}  # A.3 实施主体性质
SERVICE_OBJECT = {  # A.4 服务对象
    "1": "自然人", "2": "企业法人", "3": "事业法人", "4": "社会组织法人", "5": "行政机关", "6": "其他组织",
}
HANDLING_FORM = {"1": "窗口办理", "2": "网上办理", "3": "移动端办理", "4": "快递申请", "9": "其他"}  # A.5
CASE_TYPE = {"1": "即办件", "2": "承诺件", "9": "其他"}  # A.6 办件类型
SPECIAL_PROCEDURE = {"1": "延长审批", "2": "其他特别程序"}  # A.7 特别程序种类
SATISFACTION = {"1": "非常满意", "2": "满意", "3": "基本满意", "4": "不满意", "5": "非常不满意"}  # A.8

# 行政许可法 Art. 45: procedures whose time is not counted in the licensing time limit.
SPECIAL_PROCEDURE_KINDS = {
    "hearing": "听证", "bidding": "招标", "auction": "拍卖", "inspection": "检验", "testing": "检测",
    "quarantine": "检疫", "appraisal": "鉴定", "expert_review": "专家评审",
}
