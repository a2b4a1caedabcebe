"""The report's words in English and Chinese: metric names as a planner says them, sub-regions,
ledger items and the page's labels. A metric missing here (a newer one) is shown by its id."""

from __future__ import annotations

METRIC_ZH = {
    "pilot_status": "试点区县", "expert_teams": "专家服务团", "experts": "专家", "firms": "企业",
    "tech_firms": "科技型企业", "high_tech_firms": "高新技术企业", "awareness": "项目知晓度",
    "needs_raised": "提出的技术需求", "needs_unposted": "未发布的需求", "problems_posted": "发布到问题库的需求",
    "problems_open": "问题库待解决需求", "problems_solved": "问题库已解决需求", "needs_solved": "解决的技术需求",
    "needs_abandoned": "放弃的需求", "expert_services": "专家服务", "tech_contracts": "技术合同",
    "tech_contract_value": "技术合同成交额", "forum_viewers": "论坛观看人次", "consortia": "创新联合体",
    "consortium_members": "联合体成员企业", "startups_admitted": "入孵创业团队", "startups_active": "在孵创业团队",
    "startups_graduated": "毕业创业团队", "startups_failed": "失败创业团队", "financing_deals": "融资笔数",
    "financing_amount": "融资金额", "reward_funds": "以奖代补资金", "programme_spend": "项目支出",
    "innovations": "创新成果", "rd_spend": "研发投入", "output_value": "企业产值", "firm_births": "新设企业",
    "firm_exits": "退出企业", "certifications": "新认定科技型企业", "workstations": "院士和海智工作站",
    "district_effort": "区县工作力度",
}
METRIC_EN = {"tech_firms": "Tech-based firms", "high_tech_firms": "High-tech firms", "tech_contract_value": "Tech contract value", "rd_spend": "R&D spending", "pilot_status": "Pilot districts",
             "awareness": "Awareness of the programme", "district_effort": "District effort",
             "output_value": "Firms' output", "programme_spend": "Programme spending"}

SUBREGION = {
    "en": {"metro": "Metropolitan area", "northeast": "North-east (Three Gorges)", "southeast": "South-east (Wuling)",
           "city": "Chongqing (city)"},
    "zh": {"metro": "主城都市区", "northeast": "渝东北三峡库区城镇群", "southeast": "渝东南武陵山区城镇群", "city": "重庆市"},
}
LEDGER_ZH = {"funds_in": "到位资金", "operations": "运营支出", "rewards": "奖补", "unspent": "结余", "unfunded": "资金缺口"}
LEDGER_EN = {"funds_in": "Funds in", "operations": "Operations", "rewards": "Rewards (以奖代补)", "unspent": "Unspent",
             "unfunded": "Unfunded"}

UI = {
    "en": {
        "title": "kcsim report", "summary": "Summary", "fans": "Over time", "diffs": "Paired differences",
        "map": "Map of districts", "tables": "Districts and sub-regions", "ledger": "Ledger",
        "sensitivity": "Sensitivity", "provenance": "Provenance", "metric": "Metric", "show": "Show",
        "scenario": "Scenario", "value": "value", "difference": "difference from", "district": "District",
        "subregion": "Sub-region", "mean": "mean", "interval90": "90% interval", "ci95": "95% CI",
        "p_higher": "P(higher)", "target": "Plan target", "probability": "probability of meeting it",
        "zones": "functional zones (marked ◆, inside their parent district)", "credit": "Map data",
        "item": "Item", "year": "Year", "sort": "click a column heading to sort",
        "contents": "Contents", "outcome": "Outcome", "parameter": "Parameter",
        "ranking": "Ranking", "why": "Why", "search": "Search", "discovery": "When the best loses",
    },
    "zh": {
        "title": "kcsim 报告", "summary": "摘要", "fans": "随时间变化", "diffs": "配对差异",
        "map": "区县地图", "tables": "区县与片区", "ledger": "资金账目",
        "sensitivity": "敏感性", "provenance": "来源信息", "metric": "指标", "show": "显示",
        "scenario": "情景", "value": "数值", "difference": "相对于", "district": "区县",
        "subregion": "片区", "mean": "均值", "interval90": "90% 区间", "ci95": "95% 置信区间",
        "p_higher": "更高的概率", "target": "规划目标", "probability": "达成概率",
        "zones": "功能区（◆ 标在所属区县内）", "credit": "地图数据",
        "item": "项目", "year": "年份", "sort": "点击列标题排序",
        "contents": "目录", "outcome": "结果指标", "parameter": "参数",
        "ranking": "排名", "why": "为何最优：", "search": "搜索过程", "discovery": "最优方案何时落后",
    },
}


def metric_label(metric: str, lang: str) -> str:
    if lang == "zh":
        return METRIC_ZH.get(metric, metric)
    return METRIC_EN.get(metric, metric.replace("_", " ").capitalize())


def ui(lang: str) -> dict:
    return UI["zh" if lang == "zh" else "en"]
