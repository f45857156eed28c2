"""Vocabulary for synthetic catalog items: departments, their subjects, and names by item type.

Names combine a department's subject with the phrasing each item type really uses
(…许可, 对…的处罚, 查封、扣押…, …登记, …备案, …查询), e.g. 建设工程消防验收备案, 道路挖掘许可.
"""

from dataclasses import dataclass

from models.enums import ItemType, ServiceObject


@dataclass(frozen=True)
class Department:
    code: str  # 2-digit business-guidance department code inside the basic code
    key: str
    city_name: str  # the city bureau, after 济南市
    district_name: str  # the district bureau, after 济南市{区}
    unit: str  # the division that undertakes items, before 处/科
    law: str
    subjects: tuple[str, ...]


DEPARTMENTS = (
    Department("04", "教育", "教育局", "教育和体育局", "政策法规", "中华人民共和国教育法",
               ("民办幼儿园", "校外培训机构", "中小学教师资格", "学生资助", "中等职业学校",
                "学校安全", "教材选用", "学籍管理")),
    Department("09", "公安", "公安局", "公安分局", "治安管理", "中华人民共和国治安管理处罚法",
               ("大型群众性活动", "旅馆业", "公章刻制业", "典当业", "保安服务", "烟花爆竹燃放",
                "易制毒化学品购买", "剧毒化学品购买", "机动车登记", "犬只登记")),
    Department("11", "民政", "民政局", "民政局", "社会事务", "社会救助暂行办法",
               ("养老机构", "殡葬服务机构", "慈善组织", "民办非企业单位", "地名命名",
                "社区服务设施", "困境儿童", "流浪乞讨人员救助")),
    Department("12", "人社", "人力资源和社会保障局", "人力资源和社会保障局", "社会保险",
               "中华人民共和国社会保险法",
               ("职业技能培训机构", "技工学校", "就业见习基地", "创业担保贷款", "失业保险金",
                "工伤保险待遇", "职业技能等级", "劳动用工备案", "企业年金")),
    Department("13", "自规", "自然资源和规划局", "自然资源局", "国土空间用途管制",
               "中华人民共和国土地管理法",
               ("临时用地", "建设用地", "乡村建设规划", "测绘成果", "地质灾害危险性评估",
                "土地复垦", "矿产资源开采", "不动产测绘")),
    Department("15", "住建", "住房和城乡建设局", "住房和城乡建设局", "建筑市场监管",
               "中华人民共和国建筑法",
               ("建设工程消防验收", "商品房预售", "房地产开发企业", "物业服务项目", "燃气经营",
                "城市供热经营", "建筑起重机械使用", "建设工程质量检测", "城市排水")),
    Department("16", "交通", "交通运输局", "交通运输局", "运输管理", "中华人民共和国道路运输条例",
               ("道路旅客运输", "出租汽车经营", "机动车维修经营", "机动车驾驶员培训",
                "公路超限运输", "公路用地占用", "道路挖掘", "城市公共汽电车线路")),
    Department("17", "水利", "水务局", "水务局", "水资源管理", "中华人民共和国水法",
               ("取水", "河道采砂", "水土保持方案", "河道管理范围内建设项目", "城市节约用水",
                "水利工程质量", "防洪影响评价")),
    Department("18", "农业", "农业农村局", "农业农村局", "行政审批", "中华人民共和国农业法",
               ("农药经营", "兽药经营", "农作物种子生产经营", "动物防疫条件", "渔业捕捞",
                "拖拉机和联合收割机登记", "农产品质量安全", "生猪定点屠宰")),
    Department("21", "卫健", "卫生健康委员会", "卫生健康局", "医政医管",
               "中华人民共和国基本医疗卫生与健康促进法",
               ("放射诊疗", "母婴保健技术服务", "消毒产品生产企业", "职业健康检查",
                "医师执业注册", "护士执业注册", "饮用水供水单位", "计划生育家庭奖励扶助")),
    Department("26", "市监", "市场监督管理局", "市场监督管理局", "登记注册",
               "中华人民共和国产品质量法",
               ("特种设备使用", "计量器具", "食品生产", "工业产品生产", "广告发布",
                "个体工商户", "农民专业合作社", "认证认可", "电梯维护保养")),
    Department("30", "医保", "医疗保障局", "医疗保障局", "医保经办",
               "医疗保障基金使用监督管理条例",
               ("定点医药机构", "医疗救助", "长期护理保险", "生育保险待遇", "门诊慢特病",
                "职工医保个人账户", "医保电子凭证")),
)

# {s} is the subject. Several phrasings per type, so names vary as real catalogs do.
NAME_PATTERNS: dict[ItemType, tuple[str, ...]] = {
    ItemType.ADMINISTRATIVE_LICENSING: ("{s}许可", "{s}审批", "{s}核准"),
    ItemType.ADMINISTRATIVE_PENALTY: ("对{s}违法违规行为的处罚", "对未经许可从事{s}活动的处罚",
                                      "对{s}未按规定备案的处罚"),
    ItemType.ADMINISTRATIVE_COERCION: ("查封、扣押{s}违法物品", "查封{s}违法场所"),
    ItemType.ADMINISTRATIVE_LEVY: ("{s}有关行政事业性收费征收", "{s}相关规费征收"),
    ItemType.ADMINISTRATIVE_PAYMENT: ("{s}补贴发放", "{s}奖补资金给付"),
    ItemType.ADMINISTRATIVE_INSPECTION: ("对{s}的监督检查", "{s}专项检查"),
    ItemType.ADMINISTRATIVE_CONFIRMATION: ("{s}登记", "{s}认定"),
    ItemType.ADMINISTRATIVE_REWARD: ("对{s}工作中作出突出贡献的单位和个人的奖励",
                                     "对举报{s}违法行为的奖励"),
    ItemType.ADMINISTRATIVE_ADJUDICATION: ("{s}纠纷裁决", "{s}权属争议裁决"),
    ItemType.OTHER_ADMINISTRATIVE_POWER: ("{s}备案", "{s}信息变更备案"),
    ItemType.PUBLIC_SERVICE: ("{s}信息查询", "{s}政策咨询", "{s}证明开具"),
}

LICENSING_SITUATIONS = ("（新办）", "（变更）", "（延续）")

OBJECTS_BY_TYPE: dict[ItemType, tuple[ServiceObject, ...]] = {
    ItemType.ADMINISTRATIVE_PAYMENT: (ServiceObject.NATURAL_PERSON,),
    ItemType.PUBLIC_SERVICE: (ServiceObject.NATURAL_PERSON, ServiceObject.ENTERPRISE),
    ItemType.ADMINISTRATIVE_CONFIRMATION: (ServiceObject.NATURAL_PERSON, ServiceObject.ENTERPRISE),
}
DEFAULT_OBJECTS = (ServiceObject.ENTERPRISE, ServiceObject.PUBLIC_INSTITUTION,
                   ServiceObject.OTHER_ORGANISATION)

# Street names for synthetic township regions (combined with a direction when they run out).
STREET_NAMES = (
    "文化", "和平", "舜耕", "燕山", "姚家", "千佛山", "大明湖", "解放", "智远", "甸柳",
    "七里山", "六里山", "杆石桥", "魏家庄", "四里村", "白马山", "十六里河", "兴隆", "党家",
    "陈家庄", "吴家堡", "段店北路", "道德街", "青年公园", "五里沟", "中大槐树", "振兴街",
    "无影山", "工人新村", "官扎营", "纬北路", "药山", "桑梓店", "大桥", "东风", "全福",
    "华山", "荷花路", "唐冶", "港沟", "遥墙", "临港", "郭店", "彩石", "仲宫", "柳埠", "西营",
    "平安", "崮云湖", "张夏", "归德", "孝里", "圣井", "双山", "埠村", "枣园", "龙山", "相公庄",
    "济北", "崔寨", "孙耿", "回河", "鹏泉", "张家洼", "高庄", "口镇", "羊里", "艾山", "里辛",
    "榆山", "锦水", "东阿", "孝直", "许商", "玉皇庙", "殷巷", "怀仁",
)
DIRECTIONS = ("", "东", "西", "南", "北", "新")

CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–999 in Chinese numerals as article numbers are written (第十四条, 第一百二十二条)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    text = f"{CN_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else CN_DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (CN_DIGITS[ones] if ones else "")
