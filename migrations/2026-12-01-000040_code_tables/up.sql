-- The national code tables the standard names (DB3205/T 1107 5 b), 8.3.3; R-5b), shipped in
-- the database so that data are coded against them and a data officer can browse them
-- (`/base/codes`). Each table is a tree: an entry's parent is the entry of the level above in
-- the same table, and codes sort in tree order. A new edition of a standard is a migration.
CREATE TABLE code_tables (
    code      TEXT PRIMARY KEY CHECK (code ~ '^[a-z0-9]+$'),
    standard  TEXT NOT NULL,
    title     TEXT NOT NULL,
    -- What the table holds of the standard, and where its codes come from.
    note      TEXT NOT NULL DEFAULT '',
    position  SMALLINT NOT NULL UNIQUE
);

CREATE TABLE code_entries (
    table_code   TEXT NOT NULL REFERENCES code_tables(code),
    code         TEXT NOT NULL CHECK (code ~ '^[0-9]+$'),
    name         TEXT NOT NULL CHECK (name <> ''),
    level        SMALLINT NOT NULL CHECK (level BETWEEN 1 AND 4),
    parent_code  TEXT,
    PRIMARY KEY (table_code, code),
    FOREIGN KEY (table_code, parent_code) REFERENCES code_entries (table_code, code),
    CHECK ((level = 1) = (parent_code IS NULL)),
    CHECK (parent_code IS NULL OR code > parent_code)
);

INSERT INTO code_tables (code, standard, title, note, position) VALUES
    ('gbt21010', 'GB/T 21010—2017', '土地利用现状分类',
     '一级类 12 个、二级类 73 个，代码与名称依标准。', 1),
    ('gbt13923', 'GB/T 13923', '基础地理信息要素分类与代码',
     '大类与中类（六位代码），依标准的分类体系；小类及以下未收录。', 2),
    ('gbt18521', 'GB/T 18521—2001', '地名分类与类别代码编制规则',
     '大类、中类，以及乡镇常用的行政区域、群众自治组织和居民点小类。', 3),
    ('gbt31000', 'GB/T 31000—2015', '社会治安综合治理基础数据规范',
     '基础数据的类别与名称依标准；标准未给出数字代码，代码为本平台按层级编排。', 4);

-- GB/T 21010—2017: the first-level classes (two digits) and the second-level (four).
INSERT INTO code_entries (table_code, code, name, level, parent_code)
SELECT 'gbt21010', code, name, length(code) / 2, CASE WHEN length(code) = 4 THEN left(code, 2) END
FROM (VALUES
    ('01', '耕地'), ('0101', '水田'), ('0102', '水浇地'), ('0103', '旱地'),
    ('02', '园地'), ('0201', '果园'), ('0202', '茶园'), ('0203', '橡胶园'), ('0204', '其他园地'),
    ('03', '林地'), ('0301', '乔木林地'), ('0302', '竹林地'), ('0303', '红树林地'), ('0304', '森林沼泽'),
    ('0305', '灌木林地'), ('0306', '灌丛沼泽'), ('0307', '其他林地'),
    ('04', '草地'), ('0401', '天然牧草地'), ('0402', '沼泽草地'), ('0403', '人工牧草地'), ('0404', '其他草地'),
    ('05', '商服用地'), ('0501', '零售商业用地'), ('0502', '批发市场用地'), ('0503', '餐饮用地'),
    ('0504', '旅馆用地'), ('0505', '商务金融用地'), ('0506', '娱乐用地'), ('0507', '其他商服用地'),
    ('06', '工矿仓储用地'), ('0601', '工业用地'), ('0602', '采矿用地'), ('0603', '盐田'), ('0604', '仓储用地'),
    ('07', '住宅用地'), ('0701', '城镇住宅用地'), ('0702', '农村宅基地'),
    ('08', '公共管理与公共服务用地'), ('0801', '机关团体用地'), ('0802', '新闻出版用地'), ('0803', '教育用地'),
    ('0804', '科研用地'), ('0805', '医疗卫生用地'), ('0806', '社会福利用地'), ('0807', '文化设施用地'),
    ('0808', '体育用地'), ('0809', '公用设施用地'), ('0810', '公园与绿地'),
    ('09', '特殊用地'), ('0901', '军事设施用地'), ('0902', '使领馆用地'), ('0903', '监教场所用地'),
    ('0904', '宗教用地'), ('0905', '殡葬用地'), ('0906', '风景名胜设施用地'),
    ('10', '交通运输用地'), ('1001', '铁路用地'), ('1002', '轨道交通用地'), ('1003', '公路用地'),
    ('1004', '城镇村道路用地'), ('1005', '交通服务场站用地'), ('1006', '农村道路'), ('1007', '机场用地'),
    ('1008', '港口码头用地'), ('1009', '管道运输用地'),
    ('11', '水域及水利设施用地'), ('1101', '河流水面'), ('1102', '湖泊水面'), ('1103', '水库水面'),
    ('1104', '坑塘水面'), ('1105', '沿海滩涂'), ('1106', '内陆滩涂'), ('1107', '沟渠'), ('1108', '沼泽地'),
    ('1109', '水工建筑用地'), ('1110', '冰川及永久积雪'),
    ('12', '其他土地'), ('1201', '空闲地'), ('1202', '设施农用地'), ('1203', '田坎'), ('1204', '盐碱地'),
    ('1205', '沙地'), ('1206', '裸土地'), ('1207', '裸岩石砾地')
) AS t(code, name)
ORDER BY code;

-- GB/T 13923: the major classes (X00000) and the medium classes (XY0000).
INSERT INTO code_entries (table_code, code, name, level, parent_code)
SELECT 'gbt13923', code, name,
       CASE WHEN substr(code, 2) = '00000' THEN 1 ELSE 2 END,
       CASE WHEN substr(code, 2) = '00000' THEN NULL ELSE left(code, 1) || '00000' END
FROM (VALUES
    ('100000', '定位基础'), ('110000', '测量控制点'), ('120000', '数学基础'),
    ('200000', '水系'), ('210000', '河流'), ('220000', '沟渠'), ('230000', '湖泊'), ('240000', '水库'),
    ('250000', '海洋要素'), ('260000', '其他水系要素'), ('270000', '水利及附属设施'),
    ('300000', '居民地及设施'), ('310000', '居民地'), ('320000', '工矿及其设施'), ('330000', '农业及其设施'),
    ('340000', '公共服务及其设施'), ('350000', '名胜古迹'), ('360000', '宗教设施'), ('370000', '科学观测站'),
    ('380000', '其他建筑物及其设施'),
    ('400000', '交通'), ('410000', '铁路'), ('420000', '城际公路'), ('430000', '城市道路'), ('440000', '乡村道路'),
    ('450000', '道路构造物及附属设施'), ('460000', '水运设施'), ('470000', '航道'), ('480000', '空运设施'),
    ('490000', '其他交通设施'),
    ('500000', '管线'), ('510000', '输电线'), ('520000', '通信线'), ('530000', '油、气、水输送主管道'),
    ('540000', '城市管线'),
    ('600000', '境界与政区'), ('610000', '国外地区'), ('620000', '国家行政区'), ('630000', '省级行政区'),
    ('640000', '地级行政区'), ('650000', '县级行政区'), ('660000', '乡级行政区'), ('670000', '其他区域'),
    ('700000', '地貌'), ('710000', '等高线'), ('720000', '高程注记点'), ('730000', '水域等值线'),
    ('740000', '水下注记点'), ('750000', '自然地貌'), ('760000', '人工地貌'),
    ('800000', '植被与土质'), ('810000', '农林用地'), ('820000', '城市绿地'), ('830000', '土质')
) AS t(code, name)
ORDER BY code;

-- GB/T 18521—2001: major classes (one digit), medium (two) and the small classes a
-- township's places fall in (three).
INSERT INTO code_entries (table_code, code, name, level, parent_code)
SELECT 'gbt18521', code, name, length(code), CASE WHEN length(code) > 1 THEN left(code, length(code) - 1) END
FROM (VALUES
    ('1', '自然地理实体'), ('11', '海域'), ('12', '水系'), ('13', '陆地地形'),
    ('2', '人文地理实体'), ('21', '行政区域'), ('211', '省级行政区域'), ('212', '地级行政区域'),
    ('213', '县级行政区域'), ('214', '乡级行政区域'),
    ('22', '非行政区域'), ('23', '群众自治组织'), ('231', '社区（居民委员会）'), ('232', '村（村民委员会）'),
    ('24', '居民点'), ('241', '城镇居民点'), ('242', '农村居民点'),
    ('25', '具有地名意义的交通运输设施'), ('26', '具有地名意义的水利、电力、通信设施'),
    ('27', '具有地名意义的纪念地和旅游胜地'), ('28', '具有地名意义的单位')
) AS t(code, name)
ORDER BY length(code), code;

-- GB/T 31000—2015: the categories of governance base data (numbered here by level: two digits
-- a category, four a kind within it).
INSERT INTO code_entries (table_code, code, name, level, parent_code)
SELECT 'gbt31000', code, name, length(code) / 2, CASE WHEN length(code) = 4 THEN left(code, 2) END
FROM (VALUES
    ('01', '实有人口'), ('0101', '户籍人口'), ('0102', '流动人口'), ('0103', '境外人员'), ('0104', '未落户人员'),
    ('02', '特殊人群'), ('0201', '刑满释放人员'), ('0202', '社区矫正人员'), ('0203', '严重精神障碍患者'),
    ('0204', '吸毒人员'), ('0205', '艾滋病危险人员'),
    ('03', '重点青少年'), ('0301', '闲散青少年'), ('0302', '有不良行为青少年'), ('0303', '流浪乞讨未成年人'),
    ('0304', '服刑在教人员未成年子女'), ('0305', '农村留守儿童'),
    ('04', '组织'), ('0401', '非公有制经济组织'), ('0402', '社会组织'),
    ('05', '实有房屋'), ('0501', '城镇房屋'), ('0502', '农村房屋'), ('0503', '出租房屋'),
    ('06', '综治工作'), ('0601', '矛盾纠纷排查化解'), ('0602', '社会治安重点地区排查整治'),
    ('0603', '校园及周边治安'), ('0604', '护路护线'), ('0605', '命案防范'),
    ('07', '综治组织与队伍'), ('0701', '综治中心'), ('0702', '综治组织'), ('0703', '综治队伍'), ('0704', '网格')
) AS t(code, name)
ORDER BY code;

-- The road and water lines of the base map are coded by GB/T 13923 (R-5b): a road of the
-- township is a village road (440000), a water course a river (210000) unless coded otherwise.
ALTER TABLE geo_lines
    ADD COLUMN feature_table TEXT NOT NULL DEFAULT 'gbt13923' CHECK (feature_table = 'gbt13923'),
    ADD COLUMN feature_code TEXT;
UPDATE geo_lines SET feature_code = CASE kind WHEN 'road' THEN '440000' ELSE '210000' END;
ALTER TABLE geo_lines
    ALTER COLUMN feature_code SET NOT NULL,
    ADD FOREIGN KEY (feature_table, feature_code) REFERENCES code_entries (table_code, code);
