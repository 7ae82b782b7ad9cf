"""Typed names of the policykg ontology's terms.

Generated from ontology/policykg.ttl by ``python -m policykg.ontology.generate``: do not edit.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class PKG(DefinedNamespace):
    """pkg: the policykg vocabulary. An unknown name raises AttributeError."""

    _fail = True
    _NS = Namespace("https://w3id.org/policykg/ontology#")

    # classes
    ActionPlan: URIRef  # 计划 — Action plan
    Agency: URIRef  # 主管单位 — Agency
    AgencyGroup: URIRef  # 单位群体 — Agency group
    Annex: URIRef  # 附件 — Annex
    Catalogue: URIRef  # 目录 — Catalogue
    Citation: URIRef  # 引用 — Citation
    CreativeWork: URIRef  # 作品 — Creative work
    Decision: URIRef  # 决定 — Decision
    DetailedRules: URIRef  # 细则 — Detailed rules
    DevelopmentPlan: URIRef  # 规划 — Development plan
    Guideline: URIRef  # 指引/指南 — Guideline
    Indicator: URIRef  # 指标 — Indicator
    Law: URIRef  # 法 — Law
    ListDocument: URIRef  # 清单 — List
    Measure: URIRef  # 计量对象 — Measure
    Measures: URIRef  # 办法 — Measures (administrative rules)
    Notice: URIRef  # 通知 — Notice
    OperatingProcedure: URIRef  # 规程 — Operating procedure
    Opinion: URIRef  # 意见 — Opinion
    Outline: URIRef  # 纲要 — Outline
    PolicyArea: URIRef  # 领域 — Policy area
    PolicyDocument: URIRef  # 政策文件 — Policy document
    PolicyMeasures: URIRef  # 措施 — Policy measures
    Program: URIRef  # 项目 — Program
    Provisions: URIRef  # 规定 — Provisions
    Regulation: URIRef  # 条例 — Regulation
    Scheme: URIRef  # 方案 — Scheme
    Section: URIRef  # 章节 — Section
    Standard: URIRef  # 标准/规范 — Standard
    TitleMatch: URIRef  # 标题匹配 — Title match
    WorkItem: URIRef  # 工作事项 — Work item
    WorkPlan: URIRef  # 工作要点 — Work plan (key points of work)
    WorkReport: URIRef  # 工作报告 — Work report
    WorkSummary: URIRef  # 工作总结 — Work summary

    # object properties
    amends: URIRef  # 修订 — amends
    basedOn: URIRef  # 依据 — based on
    citedBy: URIRef  # 被引用 — cited by
    citedDocument: URIRef  # 被引文件 — cited document
    cites: URIRef  # 引用 — cites
    citingUnit: URIRef  # 引用所在 — citing unit
    drafts: URIRef  # 起草 — drafts
    hasIndicator: URIRef  # 包含指标 — has indicator
    hasPart: URIRef  # 包含 — has part
    implements: URIRef  # 落实 — implements
    implicitLeadAgency: URIRef  # 默认牵头单位 — implicit lead agency
    indicatorOf: URIRef  # 所属事项 — indicator of
    involvedIn: URIRef  # 涉及于 — involved in
    involvesProgram: URIRef  # 涉及项目 — involves program
    isPartOf: URIRef  # 隶属于 — is part of
    issued: URIRef  # 发布文件 — issued
    issuedBy: URIRef  # 发布机构 — issued by
    issues: URIRef  # 出台 — issues
    leadAgency: URIRef  # 牵头单位 — lead agency
    leads: URIRef  # 牵头负责 — leads
    matchedDocument: URIRef  # 匹配文件 — matched document
    mentions: URIRef  # 提及 — mentions
    mentionsAgency: URIRef  # 提及单位 — mentions agency
    ofMeasure: URIRef  # 计量对象 — of measure
    partnerAgency: URIRef  # 配合单位 — partner agency
    partnersIn: URIRef  # 配合参与 — partners in
    policyArea: URIRef  # 所属领域 — policy area
    possibleSameAs: URIRef  # 可能相同 — possibly same as
    qualifiedCitation: URIRef  # 引用详情 — qualified citation
    sourceDocument: URIRef  # 来源文件 — source document
    subOrganizationOf: URIRef  # 上级单位 — sub-organization of

    # datatype properties
    adminLevel: URIRef  # 行政级别 — administrative level
    canonicalName: URIRef  # 规范名称 — canonical name
    dateEffective: URIRef  # 施行日期 — date effective
    dateIssued: URIRef  # 成文日期 — date issued
    datePublished: URIRef  # 发布日期 — date published
    docNumber: URIRef  # 文号 — document number
    endOffset: URIRef  # 结束偏移 — end offset
    extractedBy: URIRef  # 抽取规则 — extracted by
    extractorVersion: URIRef  # 抽取器版本 — extractor version
    indexNumber: URIRef  # 索取号 — index number
    jurisdiction: URIRef  # 管辖区域 — jurisdiction
    kind: URIRef  # 类型 — kind
    level: URIRef  # 层级 — level
    marker: URIRef  # 编号 — marker
    matchReason: URIRef  # 匹配理由 — match reason
    matchScore: URIRef  # 匹配分值 — match score
    measure: URIRef  # 计量对象名称 — measure name
    name: URIRef  # 名称 — name
    ordinal: URIRef  # 序号 — ordinal
    period: URIRef  # 期限 — period
    publicity: URIRef  # 公开类别 — publicity
    qualifier: URIRef  # 限定词 — qualifier
    relation: URIRef  # 关系 — relation
    secondaryRelation: URIRef  # 次要关系 — secondary relation
    shortName: URIRef  # 简称 — short name
    sourceFile: URIRef  # 源文件 — source file
    sourceHash: URIRef  # 源文件哈希 — source hash
    sourceText: URIRef  # 原文 — source text
    standardCode: URIRef  # 标准编号 — standard code
    startOffset: URIRef  # 起始偏移 — start offset
    text: URIRef  # 全文 — text
    title: URIRef  # 标题 — title
    unit: URIRef  # 单位 — unit
    value: URIRef  # 数值 — value
    verb: URIRef  # 动词 — verb
    versionMark: URIRef  # 版本标记 — version mark
    year: URIRef  # 年份 — year
